using Spectre.Console;

namespace EnsembleFarm.Client;

/// <summary>
/// Where a command writes. Everything a command prints goes through here (never straight to
/// <see cref="Console"/>) so tests can run the CLI in process and read what it said.
/// </summary>
/// <param name="Interactive">
/// True when stdout is a terminal: live progress and colour. False when it is redirected (a pipe, a file,
/// a test): plain lines with no ANSI escapes, so scripts can parse them.
/// </param>
/// <param name="In">Where a question's answer is read (a confirmation); null when nobody can answer.</param>
/// <param name="CanAsk">True when stdin is a terminal, so a person can answer a question; a script must say yes up front.</param>
public sealed record CliEnvironment(TextWriter Out, TextWriter Error, bool Interactive, TextReader? In = null, bool CanAsk = false)
{
    /// <summary>Width used for tables when there is no terminal to ask (wide enough not to wrap typical rows).</summary>
    private const int PlainWidth = 160;

    public static CliEnvironment FromConsole() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected, Console.In, !Console.IsInputRedirected);

    /// <summary>Asks a yes/no question on stderr; true only for y or yes.</summary>
    /// <exception cref="InvalidOperationException">Nobody can answer (<see cref="CanAsk"/> is false).</exception>
    public async Task<bool> ConfirmAsync(string question, CancellationToken ct)
    {
        if (!CanAsk || In is null) throw new InvalidOperationException("there is no terminal to ask");
        await Error.WriteAsync($"{question} [y/N] ");
        await Error.FlushAsync(ct);
        var answer = (await In.ReadLineAsync(ct))?.Trim();
        return answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A Spectre console over <see cref="Out"/>, with ANSI only when <see cref="Interactive"/>.</summary>
    public IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(Out),
        });
        if (!Interactive)
        {
            console.Profile.Width = PlainWidth;
            console.Profile.Capabilities.Unicode = false;
        }
        return console;
    }
}
