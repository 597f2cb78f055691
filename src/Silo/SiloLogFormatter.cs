using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace EnsembleFarm.Silo;

/// <summary>
/// One short line per event (<c>21:04:13 info  trial 7 completed in 3.2 s</c>), so an operator can follow a
/// silo, and a farm's output can be read silo by silo. Stack traces only for errors the silo did not expect.
/// </summary>
internal sealed class SiloLogFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "silo";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null) return;
        textWriter.Write(DateTimeOffset.Now.ToString("HH:mm:ss "));
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(' ');
        textWriter.WriteLine(message);
        if (logEntry.Exception is { } exception && logEntry.LogLevel >= LogLevel.Critical)
            textWriter.WriteLine(exception.ToString());
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce ",
        LogLevel.Debug => "dbug ",
        LogLevel.Information => "info ",
        LogLevel.Warning => "warn ",
        LogLevel.Error => "fail ",
        _ => "crit ",
    };
}
