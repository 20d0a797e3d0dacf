using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Compiled.Benchmarks.EventTime;

namespace Compiled.Tests.Scaling;

/// <summary>
/// One measured batch run of W5's sessions, in a process of its own (<c>dotnet exec Compiled.Tests.dll
/// --batch-sessions-probe N</c>): it prints the milliseconds a <c>Run</c> over the first N events of W5's data took.
/// </summary>
/// <remarks>
/// A run touches about 100 bytes of new memory per event (the sessions of every key stay open until the end of a batch).
/// The first touch of a page costs a kernel fault, which on a virtual machine can triple the time per event; in one
/// process, a run that follows a larger one reuses the pages the GC kept and skips those faults. Each size measured in a
/// fresh process starts from the same empty heap, so that every size pays for its memory alike.
/// </remarks>
public static class BatchSessionsProbe
{
    /// <summary>The command-line argument that selects this probe.</summary>
    public const string Argument = "--batch-sessions-probe";

    /// <summary>Generates the events, brings the code to its optimized tier on a small prefix, then times one run.</summary>
    public static void Print(int size, TextWriter output)
    {
        var events = EventData.Sessions(size);

        // Warm-up on a small prefix: enough calls of every method for the tiered JIT to promote it, then a pause for the
        // background compilations to land. A prefix this small leaves the GC almost no pages to reuse.
        for (var i = 0; i < 60; i++)
        {
            W5SessionCountsBatchPipeline.Run(events.AsSpan(0, 5_000));
        }

        System.Threading.Thread.Sleep(500);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var started = Stopwatch.GetTimestamp();
        var results = W5SessionCountsBatchPipeline.Run(events);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (results.Counts.Count == 0)
        {
            throw new InvalidOperationException("the run gave no sessions");
        }

        output.WriteLine(elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture));
    }
}
