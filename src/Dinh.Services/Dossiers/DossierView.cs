using System.Text.Json;
using Dinh.Services.Catalogue;

namespace Dinh.Services.Dossiers;

/// <summary>A dossier as its applicant and the officers handling it see it. Actors are opaque ids, never names.</summary>
public sealed record DossierView(Guid Id, string ReceiptCode, string ProcedureCode, int ProcedureVersion, string ProcedureName, string Status,
    string UnitCode, string Agency, DateOnly DueOn, bool Overdue, bool DueSoon, int Version, DateTimeOffset SubmittedAt, string? Reason,
    DateOnly? SupplementDueOn, Guid? ClaimedBy, Guid? BundleId, int? BundleStep, long FeeVnd, IReadOnlyDictionary<string, string> Fields,
    IReadOnlyDictionary<string, string>? Result, IReadOnlyList<TransitionView> History)
{
    public DateTimeOffset? PaidAt { get; init; }

    /// <summary>Listed on the single-dossier reads only.</summary>
    public IReadOnlyList<Attachments.AttachmentView>? Attachments { get; init; }

    internal static DossierView Of(Dossier d, ProcedureSpec spec, DateOnly today) => new(d.Id, d.ReceiptCode, d.ProcedureCode, d.ProcedureVersion,
        spec.Name(Dinh.Platform.Web.Cultures.IsEnglish), d.Status.ToString(), d.UnitCode, d.Role.ToString(), d.DueOn, d.IsOverdue(today), d.IsDueSoon(today),
        d.Version, d.SubmittedAt, d.Reason, d.SupplementDueOn, d.ClaimedBy, d.BundleId, d.BundleStep, d.FeeVnd, d.Fields,
        d.ResultJson is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(d.ResultJson),
        d.Transitions.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => new TransitionView(t.From?.ToString(), t.To.ToString(), t.Action, t.At, t.Actor, t.Reason)).ToList())
    {
        PaidAt = d.PaidAt,
    };
}

public sealed record TransitionView(string? From, string To, string Action, DateTimeOffset At, string Actor, string? Reason);
