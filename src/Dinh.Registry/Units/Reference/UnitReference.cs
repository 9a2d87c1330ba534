using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Dinh.Registry.Units.Reference;

/// <summary>One effective-dated unit as shipped: NFC, spelled as published, type word split off the name.</summary>
internal sealed record UnitRecord(
    UnitLevel Level, string Code, string? ParentCode, string Type, string Name, DateOnly ValidFrom, DateOnly? ValidTo);

/// <summary>One row of the old → new commune conversion as shipped: NFC; a null old code or an unknown new code is kept.</summary>
internal sealed record MappingRecord(
    string? OldCode, string? OldName, string? OldDistrictName, string? OldProvinceName,
    string NewCode, string NewName, string NewProvinceName);

/// <summary>
/// The administrative-unit reference data embedded in this assembly (units.tsv.gz, unit-mappings.tsv.gz, produced by
/// <c>dinh units convert-reference</c>; see README.md beside them). Tab-separated UTF-8, one record per line, an
/// empty field for null: names never contain tabs, so no quoting is needed.
/// </summary>
internal static class UnitReference
{
    public const string UnitsFile = "units.tsv.gz";
    public const string MappingsFile = "unit-mappings.tsv.gz";

    // Bump when the loader derives columns differently (the search key), so that databases reload.
    private const int LoaderRevision = 1;

    private static readonly Lazy<string> LazyVersion = new(ComputeVersion);

    /// <summary>Identifies the shipped data: a hash of the embedded files plus the loader revision.</summary>
    public static string Version => LazyVersion.Value;

    public static IEnumerable<UnitRecord> ReadUnits() =>
        ReadLines(UnitsFile).Select(f => new UnitRecord(
            (UnitLevel)int.Parse(f[0], CultureInfo.InvariantCulture), f[1], Null(f[2]), f[3], f[4],
            DateOnly.ParseExact(f[5], "yyyy-MM-dd", CultureInfo.InvariantCulture),
            Null(f[6]) is { } to ? DateOnly.ParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null));

    public static IEnumerable<MappingRecord> ReadMappings() =>
        ReadLines(MappingsFile).Select(f => new MappingRecord(Null(f[0]), Null(f[1]), Null(f[2]), Null(f[3]), f[4], f[5], f[6]));

    public static void WriteUnits(string path, IEnumerable<UnitRecord> units) =>
        WriteLines(path, units.Select(u => new[]
        {
            ((int)u.Level).ToString(CultureInfo.InvariantCulture), u.Code, u.ParentCode, u.Type, u.Name,
            u.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            u.ValidTo?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }));

    public static void WriteMappings(string path, IEnumerable<MappingRecord> mappings) =>
        WriteLines(path, mappings.Select(m => new[]
        {
            m.OldCode, m.OldName, m.OldDistrictName, m.OldProvinceName, m.NewCode, m.NewName, m.NewProvinceName,
        }));

    private static string? Null(string field) => field.Length == 0 ? null : field;

    private static Stream Open(string file) =>
        typeof(UnitReference).Assembly.GetManifestResourceStream($"{typeof(UnitReference).Namespace}.{file}")
        ?? throw new InvalidOperationException($"Embedded reference file {file} is missing from the build.");

    private static IEnumerable<string[]> ReadLines(string file)
    {
        using var gzip = new GZipStream(Open(file), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            yield return line.Split('\t');
        }
    }

    private static void WriteLines(string path, IEnumerable<string?[]> rows)
    {
        using var file = File.Create(path);
        // SmallestSize and no timestamp in the header: the same input always gives the same bytes, so a re-run
        // of the converter shows no diff unless the data changed.
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        using var writer = new StreamWriter(gzip, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        foreach (var row in rows)
        {
            if (row.Any(f => f is not null && (f.Contains('\t', StringComparison.Ordinal) || f.Contains('\n', StringComparison.Ordinal))))
            {
                throw new InvalidDataException($"A field contains a tab or a line break: {string.Join(" | ", row)}");
            }
            writer.WriteLine(string.Join('\t', row.Select(f => f ?? "")));
        }
    }

    private static string ComputeVersion()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in new[] { UnitsFile, MappingsFile })
        {
            using var stream = Open(file);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            hash.AppendData(copy.ToArray());
        }
        return $"{Convert.ToHexStringLower(hash.GetHashAndReset())[..16]}-r{LoaderRevision}";
    }
}
