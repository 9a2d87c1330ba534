using System.Text;

namespace Dinh.Registry.Import;

/// <summary>
/// Reads RFC 4180 records straight from bytes, so the byte offset of every record is known (an import resumes
/// from it) and the text encoding is applied per field. UTF-8 and Windows-1258 agree on the bytes that structure
/// CSV (comma, quote, CR, LF), so one splitter serves both.
/// </summary>
internal sealed class CsvRecordReader(Stream stream, Encoding encoding)
{
    private byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;
    private long _bufferOffset = stream.CanSeek ? stream.Position : 0;
    private bool _eof;

    /// <summary>Byte offset of the next record in the file.</summary>
    public long Position => _bufferOffset + _start;

    /// <summary>Reads the next record into <paramref name="fields"/>; false at the end of the file.</summary>
    public async ValueTask<bool> ReadAsync(List<string> fields, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryParse(fields))
            {
                return true;
            }
            if (_eof)
            {
                if (_start >= _end)
                {
                    return false;
                }
                // A last record without a final newline.
                ParseFields(_start, _end, fields);
                _start = _end;
                return true;
            }
            await FillAsync(cancellationToken);
        }
    }

    private bool TryParse(List<string> fields)
    {
        var inQuotes = false;
        for (var i = _start; i < _end; i++)
        {
            var b = _buffer[i];
            if (b == (byte)'"')
            {
                inQuotes = !inQuotes;
            }
            else if (b == (byte)'\n' && !inQuotes)
            {
                var end = i > _start && _buffer[i - 1] == (byte)'\r' ? i - 1 : i;
                ParseFields(_start, end, fields);
                _start = i + 1;
                return true;
            }
        }
        return false;
    }

    private void ParseFields(int start, int end, List<string> fields)
    {
        fields.Clear();
        var fieldStart = start;
        var inQuotes = false;
        for (var i = start; i <= end; i++)
        {
            if (i == end || (_buffer[i] == (byte)',' && !inQuotes))
            {
                fields.Add(Decode(fieldStart, i));
                fieldStart = i + 1;
            }
            else if (_buffer[i] == (byte)'"')
            {
                inQuotes = !inQuotes;
            }
        }
    }

    private string Decode(int start, int end)
    {
        var span = _buffer.AsSpan(start, end - start);
        if (span.Length >= 2 && span[0] == (byte)'"' && span[^1] == (byte)'"')
        {
            return encoding.GetString(span[1..^1]).Replace("\"\"", "\"", StringComparison.Ordinal);
        }
        return encoding.GetString(span);
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _bufferOffset += _start;
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            // One record longer than the buffer: grow rather than fail.
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        _eof = read == 0;
    }
}

internal static class TextEncodingDetector
{
    /// <summary>
    /// UTF-8 when every byte sequence in the file is valid UTF-8; otherwise Windows-1258, the legacy Vietnamese
    /// code page that paper-register digitisation still produces (it stores tone marks decomposed: normalised later).
    /// </summary>
    public static async Task<(Encoding Encoding, string Name)> DetectAsync(Stream stream, CancellationToken cancellationToken)
    {
        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
        var bytes = new byte[1 << 20];
        var chars = new char[(1 << 20) + 4];
        var start = stream.Position;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(bytes, cancellationToken)) > 0)
            {
                decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
            }
            decoder.GetChars([], 0, 0, chars, 0, flush: true);
            return (new UTF8Encoding(false), "UTF-8");
        }
        catch (DecoderFallbackException)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return (Encoding.GetEncoding(1258), "Windows-1258");
        }
        finally
        {
            stream.Position = start;
        }
    }
}
