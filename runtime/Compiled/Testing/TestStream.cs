using System;
using System.Collections.Generic;

namespace Compiled.Testing;

/// <summary>Pushes one bundle of timestamped elements into a runner input (a generated <c>Push…</c> overload).</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="bundle">The elements of the bundle, in order.</param>
public delegate void BundlePush<T>(ReadOnlySpan<TimestampedValue<T>> bundle);

/// <summary>What a <see cref="TestStream{T}"/> step does.</summary>
public enum TestStreamEventKind
{
    /// <summary>Push a bundle of elements.</summary>
    Elements,

    /// <summary>Advance the watermark.</summary>
    Watermark,

    /// <summary>Advance processing time.</summary>
    ProcessingTime,
}

/// <summary>One step of a <see cref="TestStream{T}"/>.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="Kind">What the step does.</param>
/// <param name="Elements">For <see cref="TestStreamEventKind.Elements"/>: the bundle.</param>
/// <param name="Time">For the watermark: the new watermark; for processing time: the new processing time.</param>
public readonly record struct TestStreamEvent<T>(TestStreamEventKind Kind, TimestampedValue<T>[] Elements, Instant Time);

/// <summary>
/// A scripted unbounded input for tests (Beam's <c>TestStream</c>): bundles of timestamped elements, watermark
/// advances and processing-time advances, in order, then optionally the end of input. Run it against a generated
/// runner and assert on the panes the sinks received (<see cref="PaneAssert"/>). Immutable: each step returns a
/// new stream, so a common prefix can be shared between tests.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class TestStream<T>
{
    private readonly TestStreamEvent<T>[] _events;

    private TestStream(TestStreamEvent<T>[] events, Instant watermark, Instant processingTime, bool ended)
    {
        _events = events;
        CurrentWatermark = watermark;
        CurrentProcessingTime = processingTime;
        IsEnded = ended;
    }

    /// <summary>An empty stream: the watermark at the beginning of time, processing time at the epoch.</summary>
    public static TestStream<T> Create() => new(Array.Empty<TestStreamEvent<T>>(), Instant.MinValue, Instant.Epoch, false);

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<TestStreamEvent<T>> Events => _events;

    /// <summary>The watermark after the last step.</summary>
    public Instant CurrentWatermark { get; }

    /// <summary>Processing time after the last step (the epoch at the start).</summary>
    public Instant CurrentProcessingTime { get; }

    /// <summary>Whether the stream ends with the watermark at infinity (the input ends).</summary>
    public bool IsEnded { get; }

    /// <summary>Adds one bundle of elements (triggers are evaluated after the whole bundle, as in Beam).</summary>
    /// <exception cref="ArgumentException">No elements were given.</exception>
    public TestStream<T> AddElements(params TimestampedValue<T>[] elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        if (elements.Length == 0)
        {
            throw new ArgumentException("A bundle needs at least one element.", nameof(elements));
        }

        return Append(new TestStreamEvent<T>(TestStreamEventKind.Elements, (TimestampedValue<T>[])elements.Clone(), default), CurrentWatermark, CurrentProcessingTime);
    }

    /// <summary>Adds a bundle of one element.</summary>
    public TestStream<T> AddElement(T value, Instant timestamp) => AddElements(new TimestampedValue<T>(value, timestamp));

    /// <summary>Advances the watermark; as in Beam, it may not go back.</summary>
    /// <exception cref="ArgumentException">The watermark is earlier than the current one.</exception>
    public TestStream<T> AdvanceWatermarkTo(Instant watermark)
    {
        if (watermark < CurrentWatermark)
        {
            throw new ArgumentException("The watermark may not go back: " + watermark + " is before " + CurrentWatermark + ".", nameof(watermark));
        }

        return Append(new TestStreamEvent<T>(TestStreamEventKind.Watermark, Array.Empty<TimestampedValue<T>>(), watermark), watermark, CurrentProcessingTime);
    }

    /// <summary>Advances processing time by a positive amount.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The amount is not positive.</exception>
    public TestStream<T> AdvanceProcessingTime(TimeSpan amount)
    {
        if (amount <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "Processing time must advance by a positive amount.");
        }

        var now = new Instant(CurrentProcessingTime.Millis + (long)amount.TotalMilliseconds);
        return Append(new TestStreamEvent<T>(TestStreamEventKind.ProcessingTime, Array.Empty<TimestampedValue<T>>(), now), CurrentWatermark, now);
    }

    /// <summary>Ends the stream: the watermark moves to infinity and every window fires its final pane.</summary>
    public TestStream<T> AdvanceWatermarkToInfinity() => new(_events, Instant.MaxValue, CurrentProcessingTime, true);

    /// <summary>
    /// Replays the stream into a runner: bundles through <paramref name="push"/> (a generated <c>Push…</c>
    /// overload taking timestamped values), watermark and processing-time steps through the runner, and
    /// <see cref="IStreamingRunner.Finish"/> at the end if the stream ends.
    /// </summary>
    /// <typeparam name="TRunner">The runner type.</typeparam>
    /// <param name="runner">The runner.</param>
    /// <param name="push">Pushes one bundle into the input this stream feeds.</param>
    public void Run<TRunner>(TRunner runner, BundlePush<T> push)
        where TRunner : IStreamingRunner
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(push);
        runner.AdvanceProcessingTime(Instant.Epoch);
        foreach (var step in _events)
        {
            switch (step.Kind)
            {
                case TestStreamEventKind.Elements:
                    push(step.Elements);
                    break;
                case TestStreamEventKind.Watermark:
                    runner.AdvanceWatermark(step.Time);
                    break;
                case TestStreamEventKind.ProcessingTime:
                    runner.AdvanceProcessingTime(step.Time);
                    break;
            }
        }

        if (IsEnded)
        {
            runner.Finish();
        }
    }

    private TestStream<T> Append(TestStreamEvent<T> step, Instant watermark, Instant processingTime)
    {
        if (IsEnded)
        {
            throw new InvalidOperationException("The stream has ended (AdvanceWatermarkToInfinity): nothing can follow.");
        }

        var events = new TestStreamEvent<T>[_events.Length + 1];
        _events.CopyTo(events, 0);
        events[^1] = step;
        return new TestStream<T>(events, watermark, processingTime, false);
    }
}

/// <summary>Creates test streams.</summary>
public static class TestStream
{
    /// <summary>An empty stream of <typeparamref name="T"/>.</summary>
    public static TestStream<T> Create<T>() => TestStream<T>.Create();
}
