using System;
using System.Diagnostics;

namespace Compiled.Diagnostics;

/// <summary>
/// The <see cref="System.Diagnostics.ActivitySource"/> of Compiled pipelines: a trace of every bundle that took longer
/// than <see cref="BundleLatencyThreshold"/>, read by OpenTelemetry (<c>AddSource("Compiled")</c>) or any
/// <see cref="ActivityListener"/>.
/// </summary>
/// <remarks>
/// <para>
/// A bundle is the slice of a span pushed into an input that tracks its own watermark (see
/// <see cref="Execution.Bundles"/>). Generated runners read the clock once per bundle, and only while a listener is
/// subscribed to this source; nothing is measured per element, and nothing at all without a listener.
/// </para>
/// <para>
/// Activity <c>compiled.bundle</c> (kind internal) with tags <c>compiled.pipeline</c>, <c>compiled.input</c> and
/// <c>compiled.bundle.elements</c>; its start and end are those of the bundle.
/// </para>
/// <para>
/// Activity <c>compiled.checkpoint</c> (kind internal), one per checkpoint a <see cref="Checkpoints.Checkpointer"/>
/// takes while a listener is subscribed, from the snapshot of its participants to the commit of its sinks, with tags
/// <c>compiled.checkpointer</c> (the job's name), <c>compiled.checkpoint.id</c>, <c>compiled.checkpoint.bytes</c> and
/// <c>compiled.checkpoint.parts</c>; its status is error when the checkpoint failed.
/// </para>
/// </remarks>
public static class PipelineTracing
{
    /// <summary>The activity source's name.</summary>
    public const string SourceName = "Compiled";

    /// <summary>The name of a bundle's activity.</summary>
    public const string BundleActivityName = "compiled.bundle";

    /// <summary>The name of a checkpoint's activity.</summary>
    public const string CheckpointActivityName = "compiled.checkpoint";

    private static long s_thresholdTicks = Stopwatch.Frequency / 10;

    /// <summary>The activity source (version 0.1.0).</summary>
    public static ActivitySource Source { get; } = new(SourceName, "0.1.0");

    /// <summary>
    /// Bundles that take at least this long are traced; faster ones are not. 100 ms by default; zero traces every
    /// bundle (for tests).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static TimeSpan BundleLatencyThreshold
    {
        get => TimeSpan.FromSeconds((double)System.Threading.Volatile.Read(ref s_thresholdTicks) / Stopwatch.Frequency);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            System.Threading.Volatile.Write(ref s_thresholdTicks, (long)(value.TotalSeconds * Stopwatch.Frequency));
        }
    }

    /// <summary>True while a listener is subscribed to <see cref="Source"/>. Read by generated runners once per push.</summary>
    public static bool IsEnabled => Source.HasListeners();

    /// <summary>
    /// Ends the measure of one bundle: traces it when it took at least <see cref="BundleLatencyThreshold"/>, then sets
    /// <paramref name="startTimestamp"/> to now, the start of the next bundle. Called by generated runners.
    /// </summary>
    /// <param name="pipeline">The pipeline's name.</param>
    /// <param name="input">The input the bundle was pushed into.</param>
    /// <param name="startTimestamp">The bundle's start (<see cref="Stopwatch.GetTimestamp"/>); set to now.</param>
    /// <param name="elements">The elements of the bundle.</param>
    public static void BundleEnded(string pipeline, string input, ref long startTimestamp, int elements)
    {
        var now = Stopwatch.GetTimestamp();
        var ticks = now - startTimestamp;
        startTimestamp = now;
        if (ticks < System.Threading.Volatile.Read(ref s_thresholdTicks))
        {
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(now - ticks, now);
        var end = DateTimeOffset.UtcNow;
        using var activity = Source.StartActivity(BundleActivityName, ActivityKind.Internal, parentContext: default, startTime: end - elapsed);
        if (activity is null)
        {
            return;
        }

        activity.SetTag("compiled.pipeline", pipeline);
        activity.SetTag("compiled.input", input);
        activity.SetTag("compiled.bundle.elements", elements);
        activity.SetEndTime(end.UtcDateTime);
    }
}
