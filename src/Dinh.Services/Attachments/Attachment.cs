using System.Text;

namespace Dinh.Services.Attachments;

/// <summary>
/// A document attached to a dossier, stored in the database (so every instance and every backup has it) after its
/// type was recognised from its first bytes — never from the name or the declared content type — and a scanner passed it.
/// </summary>
internal sealed class Attachment
{
    public Guid Id { get; init; }
    public Guid DossierId { get; init; }
    public required string Code { get; init; }
    public required string FileName { get; init; }
    public required string ContentType { get; init; }
    public long Size { get; init; }
    public required string Sha256 { get; init; }
    public required byte[] Content { get; init; }
    public DateTimeOffset UploadedAt { get; init; }
    public required string UploadedBy { get; init; }
}

/// <summary>The accepted types, by magic bytes: PDF, PNG, JPEG. Anything else is refused whatever its name says.</summary>
internal static class ContentSniffer
{
    private static readonly (byte[] Magic, string Type)[] Known =
    [
        ("%PDF-"u8.ToArray(), "application/pdf"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "image/png"),
        ([0xFF, 0xD8, 0xFF], "image/jpeg"),
    ];

    public static string? Sniff(ReadOnlySpan<byte> content)
    {
        foreach (var (magic, type) in Known)
        {
            if (content.StartsWith(magic))
            {
                return type;
            }
        }
        return null;
    }
}

public enum ScanVerdict
{
    Clean = 1,
    Infected = 2,
}

/// <summary>The seam for an anti-virus engine (ClamAV, a cloud scanner …). Called before an attachment is stored.</summary>
public interface IAttachmentScanner
{
    Task<ScanVerdict> ScanAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}

/// <summary>
/// Development adapter, named as such: it recognises only the EICAR anti-virus test string, so the refusal path can
/// be tried; it is not a virus scanner. Production deployments register a real <see cref="IAttachmentScanner"/>.
/// </summary>
internal sealed class DevelopmentAttachmentScanner : IAttachmentScanner
{
    private static readonly byte[] Eicar = Encoding.ASCII.GetBytes("EICAR-STANDARD-ANTIVIRUS-TEST-FILE");

    public Task<ScanVerdict> ScanAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        Task.FromResult(content.Span.IndexOf(Eicar) >= 0 ? ScanVerdict.Infected : ScanVerdict.Clean);
}
