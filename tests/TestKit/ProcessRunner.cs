using System.Diagnostics;
using System.Text;

namespace EnsembleFarm.TestKit;

/// <summary>Runs the command-line tools tests need (apt-get, a browser, Python), as user <c>postgres</c> where PostgreSQL demands it.</summary>
public static class ProcessRunner
{
    private const string ServiceUser = "postgres";

    /// <summary>
    /// PostgreSQL refuses to run as root (its files would be root's); root runs it as the user Debian's package
    /// creates, through <c>setpriv</c>, which execs the program so that its process id is the program's own.
    /// </summary>
    public static bool MustSwitchUser => Environment.IsPrivilegedProcess;

    /// <summary>A start description for <paramref name="program"/>, as user postgres when running as root.</summary>
    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments, string workingDirectory,
        bool asServiceUser)
    {
        var info = new ProcessStartInfo
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asServiceUser && MustSwitchUser)
        {
            info.FileName = "setpriv";
            foreach (var option in (string[])[$"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--init-groups", "--", program])
                info.ArgumentList.Add(option);
        }
        else
        {
            info.FileName = program;
        }
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }

    /// <summary>Runs a tool to its end and returns what it printed.</summary>
    /// <exception cref="InvalidOperationException">It exited with a non-zero code (the message holds its output).</exception>
    public static async Task<string> RunAsync(ProcessStartInfo info, CancellationToken ct)
    {
        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var text = Snapshot(output);
        return process.ExitCode == 0
            ? text
            : throw new InvalidOperationException(
                $"'{info.FileName} {string.Join(' ', info.ArgumentList)}' exited with code {process.ExitCode}:\n{text}");
    }

    /// <summary>Makes <paramref name="path"/> the service user's, so that PostgreSQL started as that user may write there.</summary>
    public static Task ChownToServiceUserAsync(string path, CancellationToken ct) =>
        MustSwitchUser
            ? RunAsync(StartInfo("chown", ["-R", $"{ServiceUser}:{ServiceUser}", path], path, asServiceUser: false), ct)
            : Task.CompletedTask;

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output) return output.ToString();
    }
}
