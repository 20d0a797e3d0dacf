using System;

namespace Compiled;

/// <summary>
/// Triggers (Beam's <c>Trigger</c> family): when a window's panes are emitted. Declared at build time in
/// <see cref="WindowingStrategy.Triggering"/>; the generator compiles the declared tree into a state
/// machine run per key and window. Arguments must be constants.
/// </summary>
/// <remarks>Declaration only: the generator reads calls to these members; they throw if executed.</remarks>
public class Trigger
{
    private protected Trigger()
    {
    }

    /// <summary>
    /// Beam's default trigger: fires when the watermark passes the end of the window, and again for every
    /// late element within the allowed lateness. Never finishes.
    /// </summary>
    public static Trigger Default() => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Fires once when the watermark passes the end of the window (Beam's
    /// <c>AfterWatermark.pastEndOfWindow</c>); add early and late firings on the returned trigger.
    /// </summary>
    public static AfterWatermarkTrigger AfterWatermark() => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Fires once processing time passes the first element of the pane plus <paramref name="delay"/>
    /// (Beam's <c>AfterProcessingTime.pastFirstElementInPane().plusDelayOf</c>).
    /// </summary>
    public static Trigger AfterProcessingTime(TimeSpan delay) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Fires once processing time passes the first element of the pane rounded up to the next multiple of
    /// <paramref name="period"/> after <paramref name="offset"/> (Beam's <c>alignedTo</c>).
    /// </summary>
    public static Trigger AfterProcessingTimeAligned(TimeSpan period, TimeSpan offset) => throw DeclarationOnlyException.Create();

    /// <summary>Fires once the pane has at least <paramref name="count"/> elements (Beam's <c>AfterPane.elementCountAtLeast</c>).</summary>
    public static Trigger AfterCount(int count) => throw DeclarationOnlyException.Create();

    /// <summary>Fires whenever <paramref name="trigger"/> fires, restarting it after each firing; never finishes (Beam's <c>Repeatedly.forever</c>).</summary>
    public static Trigger Repeatedly(Trigger trigger) => throw DeclarationOnlyException.Create();

    /// <summary>Runs the triggers one after another: each fires until it finishes, then the next takes over (Beam's <c>AfterEach.inOrder</c>).</summary>
    public static Trigger AfterEach(params Trigger[] triggers) => throw DeclarationOnlyException.Create();

    /// <summary>Fires and finishes when any of the triggers fires (Beam's <c>AfterFirst.of</c>).</summary>
    public static Trigger AfterFirst(params Trigger[] triggers) => throw DeclarationOnlyException.Create();

    /// <summary>Fires and finishes when every one of the triggers has fired (Beam's <c>AfterAll.of</c>).</summary>
    public static Trigger AfterAll(params Trigger[] triggers) => throw DeclarationOnlyException.Create();

    /// <summary>Never fires; the window emits only its final pane at garbage collection time (Beam's <c>Never.ever</c>).</summary>
    public static Trigger Never() => throw DeclarationOnlyException.Create();

    /// <summary>Fires as this trigger does, and finishes (after a final firing) as soon as <paramref name="until"/> fires (Beam's <c>orFinally</c>).</summary>
    public Trigger OrFinally(Trigger until) => throw DeclarationOnlyException.Create();
}

/// <summary>The watermark trigger, with optional early (speculative) and late firings.</summary>
public sealed class AfterWatermarkTrigger : Trigger
{
    private AfterWatermarkTrigger()
    {
    }

    /// <summary>Fires early, before the watermark passes the end of the window, whenever <paramref name="early"/> fires (Beam's <c>withEarlyFirings</c>).</summary>
    public AfterWatermarkTrigger WithEarlyFirings(Trigger early) => throw DeclarationOnlyException.Create();

    /// <summary>Fires after the on-time pane whenever <paramref name="late"/> fires for late data (Beam's <c>withLateFirings</c>).</summary>
    public AfterWatermarkTrigger WithLateFirings(Trigger late) => throw DeclarationOnlyException.Create();
}
