using System.Text.Json;

namespace Dinh.Services.Bundles;

public enum BundleStatus
{
    Open = 1,
    Completed = 2,
    Stopped = 3,
}

/// <summary>
/// An interconnected submission (Decree 63/2024): one declaration, several procedures, each its own dossier in its
/// agency's queue. The bundle is persisted workflow state: <see cref="NeedsAdvance"/> is set in the same transaction
/// as whatever changed (the submission, a step's decision), and <see cref="BundleWorker"/> advances it. Creating a step
/// is idempotent (a unique index on the dossiers' bundle and step), so a crash between steps loses and doubles nothing.
/// </summary>
internal sealed class Bundle
{
    public Guid Id { get; init; }
    public required string ReceiptCode { get; init; }
    public required string ProcedureCode { get; init; }
    public int ProcedureVersion { get; init; }
    public Guid ApplicantCitizenId { get; init; }
    public Guid ApplicantAccountId { get; init; }
    public required string FieldsJson { get; init; }

    /// <summary>Indexes into the definition's steps the applicant chose (all mandatory steps plus the optional ones ticked).</summary>
    public required string StepsJson { get; init; }
    public BundleStatus Status { get; set; }
    public string? StopReason { get; set; }
    public bool NeedsAdvance { get; set; }
    public DateTimeOffset SubmittedAt { get; init; }
    public DateOnly DueOn { get; init; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? IdempotencyKey { get; init; }
    public int Version { get; set; } = 1;

    public IReadOnlyDictionary<string, string> Fields =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(FieldsJson) ?? new Dictionary<string, string>();

    public IReadOnlyList<int> Steps => JsonSerializer.Deserialize<List<int>>(StepsJson) ?? [];
}
