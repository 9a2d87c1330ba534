using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Dinh.Platform.Auditing;

public sealed class AuditOptions
{
    public const string Section = "Dinh:Audit";

    /// <summary>
    /// Independent chains. Each append locks one chain's head until its transaction commits, so this is the
    /// number of audited transactions that can commit at the same time (bench/ measures the effect).
    /// </summary>
    public int Chains { get; set; } = 16;
}

/// <summary>The rules of the chain: how a record is hashed and where each chain starts.</summary>
public sealed class AuditTrail(TimeProvider clock, int chains)
{
    public const int HashSize = 32;

    public TimeProvider Clock { get; } = clock;

    public int Chains { get; } = chains is >= 1 and <= 1024
        ? chains
        : throw new ArgumentOutOfRangeException(nameof(chains), chains, "Dinh:Audit:Chains must be between 1 and 1024.");

    public static byte[] GenesisHash(int chainId) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"dinh:audit:genesis:{chainId}"));

    /// <summary>
    /// Time at microsecond precision: PostgreSQL's timestamptz keeps no more, and a hash over ticks that the
    /// database rounded away would fail verification.
    /// </summary>
    public DateTimeOffset Now()
    {
        var now = Clock.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % 10), TimeSpan.Zero);
    }

    /// <summary>SHA-256 over a length-prefixed encoding of every field, so no two records share an input.</summary>
    public static byte[] ComputeHash(AuditRecord record)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];

        hash.AppendData(record.PreviousHash);
        BinaryPrimitives.WriteInt32BigEndian(number, record.ChainId);
        hash.AppendData(number[..4]);
        BinaryPrimitives.WriteInt64BigEndian(number, record.Sequence);
        hash.AppendData(number);
        Span<byte> id = stackalloc byte[16];
        record.Id.TryWriteBytes(id, bigEndian: true, out _);
        hash.AppendData(id);
        BinaryPrimitives.WriteInt64BigEndian(number, (record.OccurredAt.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) / 10);
        hash.AppendData(number);

        AppendText(hash, record.Actor);
        AppendText(hash, record.Action);
        AppendText(hash, record.Subject);
        AppendText(hash, record.Purpose);
        AppendText(hash, record.LegalBasis);
        AppendText(hash, record.RequestId);
        AppendText(hash, record.Details);
        return hash.GetHashAndReset();
    }

    private static void AppendText(IncrementalHash hash, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, -1);
            hash.AppendData(length);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
