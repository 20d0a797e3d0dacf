using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Compiled.Diagnostics;

/// <summary>
/// The <see cref="System.Diagnostics.Metrics"/> instruments of Compiled pipelines, read by
/// <c>dotnet-counters monitor --counters Compiled</c> and by OpenTelemetry (<c>AddMeter("Compiled")</c>).
/// </summary>
/// <remarks>
/// The instruments are observable: runners count in plain fields (no call per element) and the counts
/// are read when a listener collects. A runner is registered when it is created while a listener
/// is subscribed; runners created before that are not observed. Instruments:
/// <list type="bullet">
/// <item><c>compiled.pipeline.elements_in</c> (counter; tags <c>pipeline</c>, <c>input</c>)</item>
/// <item><c>compiled.pipeline.elements_out</c> (counter; tags <c>pipeline</c>, <c>output</c>)</item>
/// <item><c>compiled.pipeline.state_size</c> (up-down counter; tags <c>pipeline</c>, <c>transform</c>): keys or values held</item>
/// <item><c>compiled.pipeline.late_dropped</c> (counter; tag <c>pipeline</c>): elements dropped because their window had been emitted</item>
/// <item><c>compiled.pipeline.panes_fired</c> (counter; tag <c>pipeline</c>): panes emitted by groupings and combines</item>
/// <item><c>compiled.pipeline.watermark_lag</c> (gauge, ms; tag <c>pipeline</c>): processing time minus the watermark</item>
/// <item><c>compiled.exchange.blocked_time</c> (counter, ms; no tag): time producers of parallel runners were blocked on full exchange channels (<see cref="Parallel.Backpressure"/>)</item>
/// <item><c>compiled.exchange.blocked_waits</c> (counter; no tag): the waits on full exchange channels</item>
/// <item><c>compiled.checkpoint.completed</c> (counter; tag <c>checkpointer</c>): checkpoints complete and committed by a <see cref="Checkpoints.Checkpointer"/></item>
/// <item><c>compiled.checkpoint.last_duration</c> (gauge, ms; tag <c>checkpointer</c>): the time of the latest checkpoint, from its snapshot to its last commit</item>
/// <item><c>compiled.checkpoint.last_size</c> (gauge, bytes; tag <c>checkpointer</c>): the bytes of the latest checkpoint's parts</item>
/// </list>
/// </remarks>
public static class PipelineMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Compiled";

    private static readonly Meter Meter = new(MeterName, "0.1.0");
    private static readonly object Gate = new();
    private static readonly List<WeakReference<IRunnerMetrics>> Runners = new();
    private static readonly List<WeakReference<Checkpoints.Checkpointer>> Checkpointers = new();

    private static readonly ObservableCounter<long> ElementsIn = Meter.CreateObservableCounter(
        "compiled.pipeline.elements_in", () => Collect(static (r, m) => r.ReportElementsIn(m)), "{element}", "Elements pushed into pipeline inputs.");

    private static readonly ObservableCounter<long> ElementsOut = Meter.CreateObservableCounter(
        "compiled.pipeline.elements_out", () => Collect(static (r, m) => r.ReportElementsOut(m)), "{element}", "Elements delivered to pipeline outputs.");

    private static readonly ObservableUpDownCounter<long> StateSize = Meter.CreateObservableUpDownCounter(
        "compiled.pipeline.state_size", () => Collect(static (r, m) => r.ReportStateSize(m)), "{key}", "Keys or values held by stateful transforms.");

    private static readonly ObservableCounter<long> LateDropped = Meter.CreateObservableCounter(
        "compiled.pipeline.late_dropped", () => Collect(static (r, m) => r.ReportLateDropped(m)), "{element}", "Late elements dropped because their window had already been emitted.");

    private static readonly ObservableCounter<long> PanesFired = Meter.CreateObservableCounter(
        "compiled.pipeline.panes_fired", () => Collect(static (r, m) => r.ReportPanesFired(m)), "{pane}", "Panes emitted by groupings and combines.");

    private static readonly ObservableGauge<long> WatermarkLag = Meter.CreateObservableGauge(
        "compiled.pipeline.watermark_lag", () => Collect(static (r, m) => r.ReportWatermarkLag(m)), "ms", "Processing time minus the pipeline's watermark.");

    private static readonly ObservableCounter<long> TransformElementsIn = Meter.CreateObservableCounter(
        "compiled.pipeline.transform_elements_in", () => Collect(static (r, m) => r.ReportTransformElementsIn(m)), "{element}",
        "Elements that reached each transform, fused ones too (pipelines declared with CountEveryTransform).");

    private static readonly ObservableCounter<long> ExchangeBlockedTime = Meter.CreateObservableCounter(
        "compiled.exchange.blocked_time", static () => (long)Parallel.Backpressure.BlockedTime.TotalMilliseconds, "ms", "Time producers were blocked on full exchange channels (backpressure).");

    private static readonly ObservableCounter<long> ExchangeBlockedWaits = Meter.CreateObservableCounter(
        "compiled.exchange.blocked_waits", static () => Parallel.Backpressure.Waits, "{wait}", "Waits of producers on full exchange channels.");

    private static readonly ObservableCounter<long> CheckpointsCompleted = Meter.CreateObservableCounter(
        "compiled.checkpoint.completed", static () => CollectCheckpoints<long>(static (c, m) => c.ReportCompleted(m)), "{checkpoint}", "Checkpoints complete (durable) and committed.");

    private static readonly ObservableGauge<double> CheckpointLastDuration = Meter.CreateObservableGauge(
        "compiled.checkpoint.last_duration", static () => CollectCheckpoints<double>(static (c, m) => c.ReportLastDuration(m)), "ms", "Time of the latest checkpoint, from the snapshot of its participants to the commit of its sinks.");

    private static readonly ObservableGauge<long> CheckpointLastSize = Meter.CreateObservableGauge(
        "compiled.checkpoint.last_size", static () => CollectCheckpoints<long>(static (c, m) => c.ReportLastSize(m)), "By", "Bytes of the latest checkpoint's parts.");

    /// <summary>True while a listener is subscribed to any instrument.</summary>
    public static bool IsEnabled => ElementsIn.Enabled || ElementsOut.Enabled || StateSize.Enabled || LateDropped.Enabled || PanesFired.Enabled || WatermarkLag.Enabled
        || TransformElementsIn.Enabled || ExchangeBlockedTime.Enabled || ExchangeBlockedWaits.Enabled
        || CheckpointsCompleted.Enabled || CheckpointLastDuration.Enabled || CheckpointLastSize.Enabled;

    /// <summary>
    /// The runners registered so far that are still alive (see <see cref="Register"/>): for dashboards, which read
    /// each runner's <see cref="IRunnerMetrics.PipelineName"/> and <see cref="IRunnerMetrics.PlanMermaid"/>.
    /// </summary>
    /// <returns>A snapshot, in the order the runners were created.</returns>
    public static IReadOnlyList<IRunnerMetrics> RegisteredRunners()
    {
        var runners = new List<IRunnerMetrics>();
        lock (Gate)
        {
            foreach (var reference in Runners)
            {
                if (reference.TryGetTarget(out var runner))
                {
                    runners.Add(runner);
                }
            }
        }

        return runners;
    }

    /// <summary>
    /// The watermark lag of a runner: <paramref name="now"/> minus <paramref name="watermark"/> in milliseconds, or
    /// nothing while there is no watermark yet (or after the input ended). Called by generated runners.
    /// </summary>
    public static void MeasureWatermarkLag(List<Measurement<long>> measurements, string pipeline, Instant watermark, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        if (watermark > Instant.MinValue && watermark < Instant.MaxValue)
        {
            measurements.Add(Measure(now.ToUnixTimeMilliseconds() - watermark.Millis, pipeline));
        }
    }

    /// <summary>
    /// The watermark lag of one input of a runner (tag <c>input</c>) or of one shard of a parallel runner (tag
    /// <c>shard</c>), as <see cref="MeasureWatermarkLag(List{Measurement{long}}, string, Instant, DateTimeOffset)"/>.
    /// Called by generated runners.
    /// </summary>
    public static void MeasureWatermarkLag(List<Measurement<long>> measurements, string pipeline, Instant watermark, DateTimeOffset now, string tagName, string tagValue)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        if (watermark > Instant.MinValue && watermark < Instant.MaxValue)
        {
            measurements.Add(Measure(now.ToUnixTimeMilliseconds() - watermark.Millis, pipeline, tagName, tagValue));
        }
    }

    /// <summary>Registers a runner to be observed (weakly: a finished, unreferenced runner goes away). Called by generated runners.</summary>
    public static void Register(IRunnerMetrics runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        lock (Gate)
        {
            Runners.RemoveAll(static w => !w.TryGetTarget(out _));
            Runners.Add(new WeakReference<IRunnerMetrics>(runner));
        }
    }

    /// <summary>Registers a checkpointer to be observed (weakly). Called by its constructor.</summary>
    internal static void RegisterCheckpointer(Checkpoints.Checkpointer checkpointer)
    {
        lock (Gate)
        {
            Checkpointers.RemoveAll(static w => !w.TryGetTarget(out _));
            Checkpointers.Add(new WeakReference<Checkpoints.Checkpointer>(checkpointer));
        }
    }

    private static List<Measurement<T>> CollectCheckpoints<T>(Action<Checkpoints.Checkpointer, List<Measurement<T>>> report)
        where T : struct
    {
        var measurements = new List<Measurement<T>>();
        lock (Gate)
        {
            foreach (var reference in Checkpointers)
            {
                if (reference.TryGetTarget(out var checkpointer) && !checkpointer.IsDisposed)
                {
                    report(checkpointer, measurements);
                }
            }
        }

        return measurements;
    }

    private static List<Measurement<long>> Collect(Action<IRunnerMetrics, List<Measurement<long>>> report)
    {
        var measurements = new List<Measurement<long>>();
        lock (Gate)
        {
            foreach (var reference in Runners)
            {
                if (reference.TryGetTarget(out var runner))
                {
                    report(runner, measurements);
                }
            }
        }

        return measurements;
    }

    /// <summary>A measurement with the pipeline tag only. Called by generated runners.</summary>
    public static Measurement<long> Measure(long value, string pipeline) =>
        new(value, new KeyValuePair<string, object?>("pipeline", pipeline));

    /// <summary>A measurement with the pipeline tag and one more tag. Called by generated runners.</summary>
    public static Measurement<long> Measure(long value, string pipeline, string tagName, string tagValue) =>
        new(value, new KeyValuePair<string, object?>("pipeline", pipeline), new KeyValuePair<string, object?>(tagName, tagValue));
}
