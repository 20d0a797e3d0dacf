using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Compiled.Triggers;

/// <summary>The kinds of trigger in Beam's trigger family.</summary>
public enum TriggerKind
{
    /// <summary>Beam's default trigger: on time, then once per late element (within the allowed lateness); never finishes.</summary>
    Default,

    /// <summary>Fires when the watermark passes the end of the window, with optional early and late firings.</summary>
    AfterWatermark,

    /// <summary>Fires once processing time passes the first element of the pane plus a delay.</summary>
    AfterProcessingTime,

    /// <summary>Fires once processing time passes the first element of the pane, rounded up to an aligned boundary.</summary>
    AfterProcessingTimeAligned,

    /// <summary>Fires once the pane holds at least a number of elements.</summary>
    AfterCount,

    /// <summary>Fires whenever its subtrigger fires, restarting it; never finishes.</summary>
    Repeatedly,

    /// <summary>Runs its subtriggers in sequence.</summary>
    AfterEach,

    /// <summary>Fires and finishes when any subtrigger fires.</summary>
    AfterFirst,

    /// <summary>Fires and finishes when every subtrigger has fired.</summary>
    AfterAll,

    /// <summary>Never fires.</summary>
    Never,

    /// <summary>Fires as its first subtrigger, and finishes when its second (the "until" trigger) fires.</summary>
    OrFinally,
}

/// <summary>
/// A declared trigger, as data: the tree the generator reads from a pipeline declaration, which
/// <see cref="TriggerStateMachine"/> compiles into a state machine. Immutable.
/// </summary>
public sealed class TriggerSpec : IEquatable<TriggerSpec>
{
    private TriggerSpec(TriggerKind kind, TriggerSpec[] children, long argument = 0, long argument2 = 0)
    {
        Kind = kind;
        Children = children;
        Argument = argument;
        Argument2 = argument2;
    }

    /// <summary>The kind of trigger.</summary>
    public TriggerKind Kind { get; }

    /// <summary>
    /// The subtriggers. For <see cref="TriggerKind.AfterWatermark"/>: early then late firings, either may be null
    /// (an absent one). For <see cref="TriggerKind.OrFinally"/>: the trigger, then the "until" trigger.
    /// </summary>
    public IReadOnlyList<TriggerSpec?> Children { get; }

    /// <summary>The count (AfterCount), delay in milliseconds (AfterProcessingTime) or period (aligned).</summary>
    public long Argument { get; }

    /// <summary>The offset in milliseconds of an aligned processing-time trigger.</summary>
    public long Argument2 { get; }

    /// <summary>Beam's default trigger.</summary>
    public static TriggerSpec Default() => new(TriggerKind.Default, Array.Empty<TriggerSpec>());

    /// <summary>The watermark trigger with optional early and late firings (each restarted after it fires, as in Beam).</summary>
    public static TriggerSpec AfterWatermark(TriggerSpec? early = null, TriggerSpec? late = null) =>
        new(TriggerKind.AfterWatermark, new[] { early!, late! });

    /// <summary>Processing time past the first element in the pane plus <paramref name="delayMillis"/>.</summary>
    public static TriggerSpec AfterProcessingTime(long delayMillis) =>
        delayMillis < 0
            ? throw new ArgumentOutOfRangeException(nameof(delayMillis), delayMillis, "The delay must not be negative.")
            : new(TriggerKind.AfterProcessingTime, Array.Empty<TriggerSpec>(), delayMillis);

    /// <summary>Processing time past the first element in the pane, rounded up to the next <paramref name="periodMillis"/> boundary after <paramref name="offsetMillis"/>.</summary>
    public static TriggerSpec AfterProcessingTimeAligned(long periodMillis, long offsetMillis) =>
        periodMillis <= 0
            ? throw new ArgumentOutOfRangeException(nameof(periodMillis), periodMillis, "The period must be positive.")
            : new(TriggerKind.AfterProcessingTimeAligned, Array.Empty<TriggerSpec>(), periodMillis, offsetMillis);

    /// <summary>At least <paramref name="count"/> elements in the pane.</summary>
    public static TriggerSpec AfterCount(long count) =>
        count < 1
            ? throw new ArgumentOutOfRangeException(nameof(count), count, "The element count must be at least 1.")
            : new(TriggerKind.AfterCount, Array.Empty<TriggerSpec>(), count);

    /// <summary>Repeats <paramref name="trigger"/> forever.</summary>
    public static TriggerSpec Repeatedly(TriggerSpec trigger) => new(TriggerKind.Repeatedly, new[] { Required(trigger) });

    /// <summary>The triggers in sequence.</summary>
    public static TriggerSpec AfterEach(params TriggerSpec[] triggers) => new(TriggerKind.AfterEach, AtLeastOne(triggers));

    /// <summary>The first of the triggers to fire.</summary>
    public static TriggerSpec AfterFirst(params TriggerSpec[] triggers) => new(TriggerKind.AfterFirst, AtLeastOne(triggers));

    /// <summary>All of the triggers.</summary>
    public static TriggerSpec AfterAll(params TriggerSpec[] triggers) => new(TriggerKind.AfterAll, AtLeastOne(triggers));

    /// <summary>Never fires.</summary>
    public static TriggerSpec Never() => new(TriggerKind.Never, Array.Empty<TriggerSpec>());

    /// <summary><paramref name="trigger"/>, finishing when <paramref name="until"/> fires.</summary>
    public static TriggerSpec OrFinally(TriggerSpec trigger, TriggerSpec until) =>
        new(TriggerKind.OrFinally, new[] { Required(trigger), Required(until) });

    /// <summary>
    /// Whether this trigger can finish, after which its window is closed and later data for it is dropped
    /// (Beam's <c>mayFinish</c>): the default trigger, Never and Repeatedly never finish.
    /// </summary>
    public bool MayFinish => Kind switch
    {
        TriggerKind.Default or TriggerKind.Never or TriggerKind.Repeatedly => false,
        TriggerKind.AfterWatermark => Children[1] is null,
        TriggerKind.AfterEach => Children.All(c => c!.MayFinish),
        TriggerKind.AfterFirst => Children.Any(c => c!.MayFinish),
        TriggerKind.AfterAll => Children.All(c => c!.MayFinish),
        _ => true,
    };

    /// <summary>
    /// The trigger that groupings after this one's grouping use (Beam's <c>getContinuationTrigger</c>): counts
    /// become <c>AfterCount(1)</c>, processing-time delays fire as soon as upstream panes arrive (Beam's synchronized
    /// processing time: in one process, the same processing-time step, so a delay of zero), <c>AfterEach</c> becomes
    /// <c>Repeatedly(AfterFirst(...))</c> of the continuations, and the rest keep their shape with continued subtriggers.
    /// </summary>
    public TriggerSpec Continuation() => Kind switch
    {
        TriggerKind.Default or TriggerKind.Never => this,
        TriggerKind.AfterCount => AfterCount(1),
        TriggerKind.AfterProcessingTime or TriggerKind.AfterProcessingTimeAligned => AfterProcessingTime(0),
        TriggerKind.AfterWatermark => AfterWatermark(Children[0]?.Continuation(), Children[1]?.Continuation()),
        TriggerKind.Repeatedly => Repeatedly(Children[0]!.Continuation()),
        TriggerKind.AfterEach => Repeatedly(AfterFirst(Children.Select(c => c!.Continuation()).ToArray())),
        TriggerKind.AfterFirst => AfterFirst(Children.Select(c => c!.Continuation()).ToArray()),
        TriggerKind.AfterAll => AfterAll(Children.Select(c => c!.Continuation()).ToArray()),
        TriggerKind.OrFinally => OrFinally(Children[0]!.Continuation(), Children[1]!.Continuation()),
        _ => this,
    };

    /// <summary>Whether the trigger or one of its subtriggers depends on processing time.</summary>
    public bool UsesProcessingTime =>
        Kind is TriggerKind.AfterProcessingTime or TriggerKind.AfterProcessingTimeAligned ||
        Children.Any(c => c is not null && c.UsesProcessingTime);

    /// <inheritdoc/>
    public bool Equals(TriggerSpec? other) =>
        other is not null && Kind == other.Kind && Argument == other.Argument && Argument2 == other.Argument2 &&
        Children.Count == other.Children.Count && Children.Zip(other.Children, (a, b) => a is null ? b is null : a.Equals(b)).All(x => x);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TriggerSpec);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Argument, Argument2, Children.Count);

    /// <summary>The trigger in the declaration's vocabulary, e.g. <c>Repeatedly(AfterCount(2))</c>.</summary>
    public override string ToString() => Kind switch
    {
        TriggerKind.Default => "Default",
        TriggerKind.Never => "Never",
        TriggerKind.AfterCount => "AfterCount(" + Argument.ToString(CultureInfo.InvariantCulture) + ")",
        TriggerKind.AfterProcessingTime => "AfterProcessingTime(" + Argument.ToString(CultureInfo.InvariantCulture) + " ms)",
        TriggerKind.AfterProcessingTimeAligned => "AfterProcessingTimeAligned(" + Argument.ToString(CultureInfo.InvariantCulture) + " ms, " + Argument2.ToString(CultureInfo.InvariantCulture) + " ms)",
        TriggerKind.AfterWatermark => "AfterWatermark" +
            (Children[0] is { } e ? ".WithEarlyFirings(" + e + ")" : string.Empty) +
            (Children[1] is { } l ? ".WithLateFirings(" + l + ")" : string.Empty),
        TriggerKind.OrFinally => Children[0] + ".OrFinally(" + Children[1] + ")",
        _ => Kind + "(" + string.Join(", ", Children) + ")",
    };

    private static TriggerSpec Required(TriggerSpec trigger) => trigger ?? throw new ArgumentNullException(nameof(trigger));

    private static TriggerSpec[] AtLeastOne(TriggerSpec[] triggers)
    {
        ArgumentNullException.ThrowIfNull(triggers);
        if (triggers.Length == 0 || triggers.Any(t => t is null))
        {
            throw new ArgumentException("At least one trigger, none null, is required.", nameof(triggers));
        }

        return (TriggerSpec[])triggers.Clone();
    }
}
