using System;
using System.Globalization;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Compiled.Samples;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace DurableScores;

/// <summary>
/// StreamingScores' pipeline reading a file and a JetStream stream, writing its panes exactly once to a file and to a
/// JetStream subject, and surviving restarts through checkpoints (<see cref="FileAndStreamScoresJob"/>).
/// </summary>
public static class Program
{
    private const string Name = "durablescores";
    private const string Usage = "usage: DurableScores FILE --nats URL --stream NAME --checkpoints DIR --output FILE --publish SUBJECT [--checkpoint-interval MS] [--lines-per-second N]";

    /// <summary>Entry point: <c>FILE --nats URL --stream NAME --checkpoints DIR --output FILE --publish SUBJECT [--checkpoint-interval MS] [--lines-per-second N]</c>.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>0 when done, 1 when the run failed (the NATS server unreachable, a checkpoint failed), 2 for a bad command line, an input that cannot be read, or streams or checkpoints that do not fit.</returns>
    public static async Task<int> Main(string[] args)
    {
        string? path = null, url = null, stream = null, checkpoints = null, output = null, subject = null;
        var interval = TimeSpan.FromSeconds(1);
        var linesPerSecond = 0d;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--nats" when i + 1 < args.Length:
                    url = args[++i];
                    break;
                case "--stream" when i + 1 < args.Length:
                    stream = args[++i];
                    break;
                case "--checkpoints" when i + 1 < args.Length:
                    checkpoints = args[++i];
                    break;
                case "--output" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--publish" when i + 1 < args.Length:
                    subject = args[++i];
                    break;
                case "--checkpoint-interval" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms < 1)
                    {
                        return BadCommandLine($"--checkpoint-interval takes milliseconds, at least 1, not '{args[i]}'");
                    }

                    interval = TimeSpan.FromMilliseconds(ms);
                    break;
                case "--lines-per-second" when i + 1 < args.Length:
                    if (!double.TryParse(args[++i], NumberStyles.Float, CultureInfo.InvariantCulture, out linesPerSecond) || !(linesPerSecond > 0) || double.IsInfinity(linesPerSecond))
                    {
                        return BadCommandLine($"--lines-per-second takes a positive number, not '{args[i]}'");
                    }

                    break;
                case "-h" or "--help":
                    Console.WriteLine(Usage);
                    Console.WriteLine("Reads CSV lines timestampMillis,user,team,score from FILE and from the JetStream stream NAME (one line a");
                    Console.WriteLine("message, up to the stream's last message when the job first started), alternately one from each while both");
                    Console.WriteLine("have lines, and writes each team's total per one-minute window, as the window fires, to FILE (--output) and");
                    Console.WriteLine("as one message to SUBJECT (--publish; a stream with a duplicate window of at least a minute must capture it).");
                    Console.WriteLine("It checkpoints into DIR every --checkpoint-interval ms (1000); killed and started again with the same");
                    Console.WriteLine("arguments it resumes from its latest checkpoint, and both outputs end as those of an uninterrupted run.");
                    Console.WriteLine("Malformed lines are reported on standard error with their number in the interleaving.");
                    return 0;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) || path is not null)
                    {
                        return BadCommandLine($"unexpected argument '{args[i]}'");
                    }

                    path = args[i];
                    break;
            }
        }

        if (path is null || url is null || stream is null || checkpoints is null || output is null || subject is null)
        {
            return BadCommandLine("FILE, --nats, --stream, --checkpoints, --output and --publish are required");
        }

        // An input that cannot be opened is told before anything else is tried.
        try
        {
            InputFile.OpenRead(path).Dispose();
        }
        catch (Exception e) when (InputFile.IsReadError(e))
        {
            Console.Error.WriteLine(InputFile.CannotRead(Name, path, e));
            return InputFile.CannotReadExitCode;
        }

        await using var connection = new NatsConnection(new NatsOpts { Url = url, Name = "DurableScores" });
        try
        {
            await connection.ConnectAsync();
        }
        catch (NatsException e)
        {
            Console.Error.WriteLine($"{Name}: cannot reach the NATS server at {url}: {Reason(e)}");
            return 1;
        }

        FileAndStreamScoresJob job;
        try
        {
            job = await FileAndStreamScoresJob.CreateAsync(connection, path, stream, output, subject, checkpoints, interval, Console.Error, TimeSpan.FromSeconds(5), linesPerSecond);
        }
        catch (Exception e) when (InputFile.IsReadError(e))
        {
            Console.Error.WriteLine(InputFile.CannotRead(Name, path, e));
            return InputFile.CannotReadExitCode;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            Console.Error.WriteLine($"{Name}: the stream '{stream}' does not exist on {url}");
            return 2;
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"{Name}: {e.Message}");
            return 2;
        }

        await using (job)
        {
            try
            {
                // One line on standard output once the state is restored, before the first line is read.
                var restored = await job.RestoreAsync();
                Console.WriteLine(restored is { } id ? "resumed from checkpoint " + id.ToString(CultureInfo.InvariantCulture) : "started from the beginning");
                await job.RunAsync();
            }
            catch (Exception e) when (InputFile.IsReadError(e))
            {
                Console.Error.WriteLine(InputFile.CannotRead(Name, path, e));
                return InputFile.CannotReadExitCode;
            }
            catch (CheckpointMismatchException e)
            {
                Console.Error.WriteLine($"{Name}: the checkpoints in '{checkpoints}' are not this job's: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is NatsException or CheckpointFailedException or TimeoutException)
            {
                Console.Error.WriteLine($"{Name}: failed: {e.Message}");
                return 1;
            }

            Console.Error.WriteLine(job.Summary());
        }

        return 0;
    }

    private static int BadCommandLine(string problem)
    {
        Console.Error.WriteLine($"{Name}: {problem}; {Usage}");
        return 2;
    }

    // The innermost message: "Connection refused" rather than the client's "can't connect".
    private static string Reason(Exception error)
    {
        var inner = error;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner == error ? error.Message : inner.Message + " (" + error.Message + ")";
    }
}
