namespace Dinh.Registry.Import;

/// <summary>
/// One bulk import of a file, identified by its SHA-256. The checkpoint (next byte offset and row) is written in
/// the same transaction as each batch, so a run killed at any point resumes exactly where its last commit ended:
/// no row is lost, none is stored twice.
/// </summary>
public sealed class ImportRun
{
    public Guid Id { get; init; }
    public required string FileName { get; init; }
    public required string FileSha256 { get; init; }
    public long FileSize { get; init; }
    public required string Encoding { get; init; }
    public required string StartedBy { get; init; }
    public required string LegalBasis { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long NextOffset { get; set; }
    public long NextRow { get; set; }
    public long Imported { get; set; }
    public long AlreadyRegistered { get; set; }
    public long Rejected { get; set; }
}
