using System.Runtime.CompilerServices;

namespace EnsembleFarm.Models.Data;

/// <summary>
/// Splits CSV text into records of fields (RFC 4180: comma separator, fields optionally in double quotes with
/// "" for a quote, line breaks allowed inside quotes, LF or CRLF line ends, optional final line end). Empty lines
/// are skipped. Spaces and tabs before a field, and after a closing quote, are dropped, so <c>1, "2"</c> reads as
/// two fields 1 and 2 (numbers and ids ignore surrounding blanks anyway). Fields are exposed as spans into one
/// reused buffer, so reading a large file allocates nothing per cell.
/// </summary>
internal sealed class CsvRecordReader
{
    private enum State { FieldStart, Unquoted, Quoted, QuoteInQuoted }

    private readonly TextReader _reader;
    private readonly string _source;
    private readonly char[] _chunk = new char[1 << 16];
    private int _chunkLength;
    private int _chunkPosition;
    private char[] _record = new char[1024];
    private int _recordLength;
    private readonly List<(int Start, int Length)> _fields = [];
    private int _nextLine = 1;

    public CsvRecordReader(TextReader reader, string source)
    {
        _reader = reader;
        _source = source;
    }

    /// <summary>The 1-based line on which the current record starts.</summary>
    public int Line { get; private set; }

    public int FieldCount => _fields.Count;

    /// <summary>The unquoted text of field <paramref name="index"/>; valid until the next <see cref="ReadRecord"/>.</summary>
    public ReadOnlySpan<char> Field(int index)
    {
        var (start, length) = _fields[index];
        return _record.AsSpan(start, length);
    }

    /// <summary>Reads the next non-empty record; false at the end of the text.</summary>
    public bool ReadRecord()
    {
        while (true)
        {
            var result = ReadLineOrRecord();
            if (result != ReadResult.EmptyLine) return result == ReadResult.Record;
        }
    }

    private enum ReadResult { Record, EmptyLine, End }

    // Runs once per record of files with millions of cells, and a file is usually read once per process:
    // skip tier-0 code so the first read is already fast.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadResult ReadLineOrRecord()
    {
        _fields.Clear();
        _recordLength = 0;
        Line = _nextLine;
        var fieldStart = 0;
        var state = State.FieldStart;
        var readAny = false;
        while (true)
        {
            if (_chunkPosition == _chunkLength && !Refill())
            {
                if (state == State.Quoted)
                    throw new DataFormatException(_source, Line, null, "a quoted field is not closed before the end of the file");
                if (!readAny) return ReadResult.End;
                if (state != State.QuoteInQuoted)
                {
                    DropTrailingCarriageReturn(fieldStart);
                    if (RecordIsEmpty) return ReadResult.End;
                }
                EndField(ref fieldStart);
                return ReadResult.Record;
            }
            var c = _chunk[_chunkPosition++];
            readAny = true;
            switch (state)
            {
                case State.FieldStart when c == '"':
                    state = State.Quoted;
                    break;
                case State.FieldStart when c is ' ' or '\t':
                    break;
                case State.FieldStart:
                case State.Unquoted:
                    if (c == ',')
                    {
                        EndField(ref fieldStart);
                        state = State.FieldStart;
                    }
                    else if (c == '\n')
                    {
                        _nextLine++;
                        DropTrailingCarriageReturn(fieldStart);
                        if (RecordIsEmpty) return ReadResult.EmptyLine;
                        EndField(ref fieldStart);
                        return ReadResult.Record;
                    }
                    else
                    {
                        Append(c);
                        AppendUnquotedRun();
                        state = State.Unquoted;
                    }
                    break;
                case State.Quoted:
                    if (c == '"') state = State.QuoteInQuoted;
                    else
                    {
                        if (c == '\n') _nextLine++;
                        Append(c);
                    }
                    break;
                case State.QuoteInQuoted:
                    if (c == '"')
                    {
                        Append('"');
                        state = State.Quoted;
                    }
                    else if (c == ',')
                    {
                        EndField(ref fieldStart);
                        state = State.FieldStart;
                    }
                    else if (c == '\n')
                    {
                        _nextLine++;
                        EndField(ref fieldStart);
                        return ReadResult.Record;
                    }
                    else if (c is not ('\r' or ' ' or '\t'))
                    {
                        throw new DataFormatException(_source, Line, null,
                            $"unexpected '{c}' after a closing quote (field {_fields.Count + 1}); a quote inside a quoted field is written \"\"");
                    }
                    break;
            }
        }
    }

    private bool RecordIsEmpty => _fields.Count == 0 && _recordLength == 0;

    /// <summary>Removes the CR of a CRLF line end from the current unquoted field.</summary>
    private void DropTrailingCarriageReturn(int fieldStart)
    {
        if (_recordLength > fieldStart && _record[_recordLength - 1] == '\r') _recordLength--;
    }

    /// <summary>
    /// Copies the rest of an unquoted field that lies in the current chunk in one go: the vectorised search for the
    /// next separator is what makes reading fast, instead of one state-machine step per character.
    /// </summary>
    private void AppendUnquotedRun()
    {
        var rest = _chunk.AsSpan(_chunkPosition, _chunkLength - _chunkPosition);
        var length = rest.IndexOfAny(',', '\n');
        if (length < 0) length = rest.Length;
        if (_recordLength + length > _record.Length) Array.Resize(ref _record, Math.Max(_record.Length * 2, _recordLength + length));
        rest[..length].CopyTo(_record.AsSpan(_recordLength));
        _recordLength += length;
        _chunkPosition += length;
    }

    private bool Refill()
    {
        _chunkLength = _reader.Read(_chunk, 0, _chunk.Length);
        _chunkPosition = 0;
        return _chunkLength > 0;
    }

    private void Append(char c)
    {
        if (_recordLength == _record.Length) Array.Resize(ref _record, _record.Length * 2);
        _record[_recordLength++] = c;
    }

    private void EndField(ref int fieldStart)
    {
        _fields.Add((fieldStart, _recordLength - fieldStart));
        fieldStart = _recordLength;
    }
}
