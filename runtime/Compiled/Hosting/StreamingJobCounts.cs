using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Compiled.Diagnostics;

namespace Compiled.Hosting;

/// <summary>What a streaming job has done so far: the numbers logged when it stops.</summary>
/// <param name="ElementsIn">Elements pushed into the pipeline's inputs.</param>
/// <param name="ElementsOut">Elements delivered to the pipeline's outputs.</param>
/// <param name="LateDropped">Elements dropped because their window had already fired.</param>
/// <param name="DeadLettered">Input records the job could not use (malformed), set aside rather than failing the run.</param>
public readonly record struct StreamingJobCounts(long ElementsIn, long ElementsOut, long LateDropped, long DeadLettered)
{
    /// <summary>
    /// Reads the counts of a generated runner (every generated runner implements <see cref="IRunnerMetrics"/>):
    /// elements in summed over its inputs, elements out summed over its outputs, late elements dropped.
    /// </summary>
    /// <param name="runner">A generated runner.</param>
    /// <param name="deadLettered">Records the job set aside before they reached the runner, if it counts them.</param>
    /// <returns>The runner's counts.</returns>
    public static StreamingJobCounts FromRunner(IRunnerMetrics runner, long deadLettered = 0)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var measurements = new List<Measurement<long>>();
        runner.ReportElementsIn(measurements);
        var elementsIn = Sum(measurements);
        measurements.Clear();
        runner.ReportElementsOut(measurements);
        var elementsOut = Sum(measurements);
        measurements.Clear();
        runner.ReportLateDropped(measurements);
        var lateDropped = Sum(measurements);
        return new StreamingJobCounts(elementsIn, elementsOut, lateDropped, deadLettered);
    }

    private static long Sum(List<Measurement<long>> measurements)
    {
        long total = 0;
        foreach (var measurement in measurements)
        {
            total += measurement.Value;
        }

        return total;
    }
}
