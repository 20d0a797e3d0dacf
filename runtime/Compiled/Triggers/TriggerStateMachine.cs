using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Compiled.Triggers;

/// <summary>
/// The run-time state of a trigger for one key and window: which nodes of the trigger tree have finished,
/// and one 64-bit cell per stateful node (an element count, a processing-time deadline, a phase). A plain
/// struct stored inline with the window's state: no allocation per window.
/// </summary>
public struct TriggerState
{
    /// <summary>The most stateful nodes a trigger may have.</summary>
    public const int MaxCells = 8;

    internal ulong Finished;
    internal TriggerCells Cells;

    /// <summary>Whether the root of the trigger has finished (the window is closed).</summary>
    public readonly bool IsFinished => (Finished & 1UL) != 0;
}

/// <summary>Inline storage of <see cref="TriggerState"/>'s cells.</summary>
[InlineArray(TriggerState.MaxCells)]
internal struct TriggerCells
{
    private long _element0;
}

/// <summary>The context a trigger is evaluated in: its window, the input watermark and processing time.</summary>
/// <param name="Window">The window.</param>
/// <param name="Watermark">The input watermark of the grouping.</param>
/// <param name="ProcessingTime">The current processing time.</param>
public readonly record struct TriggerContext(BoundedWindow Window, Instant Watermark, Instant ProcessingTime)
{
    /// <summary>Whether the watermark has passed the end of the window (Beam's <c>endOfWindowReached</c>).</summary>
    public bool EndOfWindowReached => Watermark > Window.MaxTimestamp;
}

/// <summary>
/// An executable trigger: a <see cref="TriggerSpec"/> compiled into a flat array of nodes, evaluated over a
/// <see cref="TriggerState"/> per key and window, with Beam's trigger state machine semantics (onElement,
/// shouldFire, onFire, clear, onMerge). Immutable and shared by every window of a grouping.
/// </summary>
/// <remarks>
/// Semantics follow Beam's <c>TriggerStateMachine</c> family. Early and late firings of the watermark trigger
/// are reset after each firing, so they fire again for new data (Beam's documented behaviour). When windows
/// merge (sessions), counts add, processing-time deadlines take the earliest, and a node is finished only if
/// it was finished in every merged window.
/// </remarks>
public sealed class TriggerStateMachine
{
    private const long Unset = long.MinValue;
    private readonly Node[] _nodes;

    /// <summary>Compiles a trigger.</summary>
    /// <exception cref="NotSupportedException">The trigger has more than 64 nodes or more than <see cref="TriggerState.MaxCells"/> stateful ones.</exception>
    public TriggerStateMachine(TriggerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        var nodes = new List<Node>();
        var cells = 0;
        Add(spec, nodes, ref cells);
        if (nodes.Count > 64 || cells > TriggerState.MaxCells)
        {
            throw new NotSupportedException("The trigger " + spec + " is too large: at most 64 nodes and " + TriggerState.MaxCells + " counting, timing or watermark nodes.");
        }

        _nodes = nodes.ToArray();
        IsDefault = spec.Kind == TriggerKind.Default;
        UsesProcessingTime = spec.UsesProcessingTime;
    }

    /// <summary>The trigger compiled.</summary>
    public TriggerSpec Spec { get; }

    /// <summary>Whether this is Beam's default trigger (fires when the watermark passes the end of the window, and for late data).</summary>
    public bool IsDefault { get; }

    /// <summary>Whether some node depends on processing time (so deadlines must be scheduled).</summary>
    public bool UsesProcessingTime { get; }

    /// <summary>Resets a state to the trigger's initial state.</summary>
    public void Initialize(ref TriggerState state)
    {
        state = default;
        Clear(0, ref state);
    }

    /// <summary>Called for each element added to the window's pane.</summary>
    public void OnElement(ref TriggerState state, in TriggerContext context) => OnElement(0, ref state, context);

    /// <summary>Whether the trigger fires now.</summary>
    public bool ShouldFire(ref TriggerState state, in TriggerContext context) => !IsFinished(0, state) && ShouldFire(0, ref state, context);

    /// <summary>Called when the pane fires; may finish the trigger (<see cref="TriggerState.IsFinished"/>).</summary>
    public void OnFire(ref TriggerState state, in TriggerContext context) => OnFire(0, ref state, context);

    /// <summary>Merges the state of a window merged into <paramref name="target"/> (session windows).</summary>
    public void OnMerge(ref TriggerState target, in TriggerState source, in TriggerContext mergedContext)
    {
        var finished = target.Finished & source.Finished;
        for (var i = 0; i < _nodes.Length; i++)
        {
            ref readonly var node = ref _nodes[i];
            if (node.Cell < 0)
            {
                continue;
            }

            ref var cell = ref target.Cells[node.Cell];
            var other = source.Cells[node.Cell];
            switch (node.Kind)
            {
                case TriggerKind.AfterCount:
                    cell += other;
                    break;
                case TriggerKind.AfterProcessingTime or TriggerKind.AfterProcessingTimeAligned:
                    if (cell == Unset || (other != Unset && other < cell))
                    {
                        cell = other;
                    }

                    break;
                case TriggerKind.AfterWatermark:
                    // The merged window's end is its own: it is in the late phase only if its end has passed
                    // and one of the merged windows already fired on time.
                    cell = mergedContext.EndOfWindowReached ? Math.Max(cell, other) : 0;
                    break;
            }
        }

        target.Finished = finished;
    }

    /// <summary>The earliest processing-time deadline after <paramref name="now"/> the trigger waits for, or null.</summary>
    public Instant? NextProcessingDeadline(in TriggerState state, Instant now)
    {
        long best = Unset;
        for (var i = 0; i < _nodes.Length; i++)
        {
            ref readonly var node = ref _nodes[i];
            if (node.Kind is TriggerKind.AfterProcessingTime or TriggerKind.AfterProcessingTimeAligned && !IsFinished(i, state))
            {
                var deadline = state.Cells[node.Cell];
                if (deadline != Unset && deadline > now.Millis && (best == Unset || deadline < best))
                {
                    best = deadline;
                }
            }
        }

        return best == Unset ? null : new Instant(best);
    }

    private static int Add(TriggerSpec spec, List<Node> nodes, ref int cells)
    {
        var index = nodes.Count;
        var cell = spec.Kind is TriggerKind.AfterCount or TriggerKind.AfterProcessingTime or TriggerKind.AfterProcessingTimeAligned or TriggerKind.AfterWatermark
            ? cells++
            : -1;
        nodes.Add(default);
        var children = new int[spec.Children.Count];
        for (var i = 0; i < children.Length; i++)
        {
            children[i] = spec.Children[i] is { } child ? Add(child, nodes, ref cells) : -1;
        }

        nodes[index] = new Node(spec.Kind, children, cell, spec.Argument, spec.Argument2, nodes.Count);
        return index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsFinished(int node, in TriggerState state) => (state.Finished & (1UL << node)) != 0;

    private static void SetFinished(int node, ref TriggerState state) => state.Finished |= 1UL << node;

    private void Clear(int n, ref TriggerState state)
    {
        ref readonly var node = ref _nodes[n];
        for (var i = n; i < node.End; i++)
        {
            state.Finished &= ~(1UL << i);
            ref readonly var sub = ref _nodes[i];
            if (sub.Cell >= 0)
            {
                state.Cells[sub.Cell] = sub.Kind is TriggerKind.AfterProcessingTime or TriggerKind.AfterProcessingTimeAligned ? Unset : 0;
            }
        }
    }

    private int CurrentOfAfterEach(in Node node, in TriggerState state)
    {
        foreach (var child in node.Children)
        {
            if (!IsFinished(child, state))
            {
                return child;
            }
        }

        return -1;
    }

    private void OnElement(int n, ref TriggerState state, in TriggerContext context)
    {
        if (IsFinished(n, state))
        {
            return;
        }

        ref readonly var node = ref _nodes[n];
        switch (node.Kind)
        {
            case TriggerKind.AfterCount:
                state.Cells[node.Cell]++;
                break;
            case TriggerKind.AfterProcessingTime:
                if (state.Cells[node.Cell] == Unset)
                {
                    state.Cells[node.Cell] = context.ProcessingTime.Millis + node.Argument;
                }

                break;
            case TriggerKind.AfterProcessingTimeAligned:
                if (state.Cells[node.Cell] == Unset)
                {
                    // The next boundary k·period + offset strictly after... or at the first element's time (Beam's alignedTo rounds up).
                    var t = context.ProcessingTime.Millis;
                    var rem = (((t - node.Argument2) % node.Argument) + node.Argument) % node.Argument;
                    state.Cells[node.Cell] = rem == 0 ? t : t + (node.Argument - rem);
                }

                break;
            case TriggerKind.AfterWatermark:
                {
                    var phase = node.Children[state.Cells[node.Cell] == 0 ? 0 : 1];
                    if (phase >= 0)
                    {
                        OnElement(phase, ref state, context);
                    }

                    break;
                }

            case TriggerKind.Repeatedly:
                OnElement(node.Children[0], ref state, context);
                break;
            case TriggerKind.AfterEach:
                {
                    var current = CurrentOfAfterEach(node, state);
                    if (current >= 0)
                    {
                        OnElement(current, ref state, context);
                    }

                    break;
                }

            case TriggerKind.AfterFirst or TriggerKind.AfterAll or TriggerKind.OrFinally:
                foreach (var child in node.Children)
                {
                    OnElement(child, ref state, context);
                }

                break;
        }
    }

    private bool ShouldFire(int n, ref TriggerState state, in TriggerContext context)
    {
        ref readonly var node = ref _nodes[n];
        switch (node.Kind)
        {
            case TriggerKind.Default:
                return context.EndOfWindowReached;
            case TriggerKind.Never:
                return false;
            case TriggerKind.AfterCount:
                return state.Cells[node.Cell] >= node.Argument;
            case TriggerKind.AfterProcessingTime or TriggerKind.AfterProcessingTimeAligned:
                {
                    var deadline = state.Cells[node.Cell];
                    return deadline != Unset && context.ProcessingTime.Millis >= deadline;
                }

            case TriggerKind.AfterWatermark:
                if (state.Cells[node.Cell] == 0)
                {
                    if (context.EndOfWindowReached)
                    {
                        return true;
                    }

                    var early = node.Children[0];
                    return early >= 0 && !IsFinished(early, state) && ShouldFire(early, ref state, context);
                }
                else
                {
                    var late = node.Children[1];
                    return late >= 0 && !IsFinished(late, state) && ShouldFire(late, ref state, context);
                }

            case TriggerKind.Repeatedly:
                return ShouldFire(node.Children[0], ref state, context);
            case TriggerKind.AfterEach:
                {
                    var current = CurrentOfAfterEach(node, state);
                    return current >= 0 && ShouldFire(current, ref state, context);
                }

            case TriggerKind.AfterFirst:
                foreach (var child in node.Children)
                {
                    if (!IsFinished(child, state) && ShouldFire(child, ref state, context))
                    {
                        return true;
                    }
                }

                return false;
            case TriggerKind.AfterAll:
                foreach (var child in node.Children)
                {
                    if (!IsFinished(child, state) && !ShouldFire(child, ref state, context))
                    {
                        return false;
                    }
                }

                return true;
            case TriggerKind.OrFinally:
                return ShouldFire(node.Children[0], ref state, context) || ShouldFire(node.Children[1], ref state, context);
            default:
                return false;
        }
    }

    private void OnFire(int n, ref TriggerState state, in TriggerContext context)
    {
        ref readonly var node = ref _nodes[n];
        switch (node.Kind)
        {
            case TriggerKind.Default or TriggerKind.Never:
                return;
            case TriggerKind.AfterCount or TriggerKind.AfterProcessingTime or TriggerKind.AfterProcessingTimeAligned:
                SetFinished(n, ref state);
                return;
            case TriggerKind.AfterWatermark:
                if (state.Cells[node.Cell] == 0)
                {
                    if (context.EndOfWindowReached)
                    {
                        // The on-time firing: from now on only late firings; the early trigger is done.
                        state.Cells[node.Cell] = 1;
                        if (node.Children[0] >= 0)
                        {
                            Clear(node.Children[0], ref state);
                            SetFinished(node.Children[0], ref state);
                        }

                        if (node.Children[1] < 0)
                        {
                            SetFinished(n, ref state);
                        }
                        else
                        {
                            Clear(node.Children[1], ref state);
                        }
                    }
                    else
                    {
                        // An early firing: the early trigger starts again for the next pane.
                        var early = node.Children[0];
                        OnFire(early, ref state, context);
                        Clear(early, ref state);
                    }
                }
                else
                {
                    var late = node.Children[1];
                    OnFire(late, ref state, context);
                    Clear(late, ref state);
                }

                return;
            case TriggerKind.Repeatedly:
                {
                    var child = node.Children[0];
                    OnFire(child, ref state, context);
                    Clear(child, ref state);
                    return;
                }

            case TriggerKind.AfterEach:
                {
                    var current = CurrentOfAfterEach(node, state);
                    if (current >= 0)
                    {
                        OnFire(current, ref state, context);
                    }

                    if (CurrentOfAfterEach(node, state) < 0)
                    {
                        SetFinished(n, ref state);
                    }

                    return;
                }

            case TriggerKind.AfterFirst or TriggerKind.AfterAll:
                foreach (var child in node.Children)
                {
                    if (!IsFinished(child, state) && ShouldFire(child, ref state, context))
                    {
                        OnFire(child, ref state, context);
                    }
                }

                SetFinished(n, ref state);
                return;
            case TriggerKind.OrFinally:
                {
                    var actual = node.Children[0];
                    var until = node.Children[1];
                    if (ShouldFire(until, ref state, context))
                    {
                        OnFire(until, ref state, context);
                        SetFinished(n, ref state);
                    }
                    else
                    {
                        OnFire(actual, ref state, context);
                        if (IsFinished(actual, state))
                        {
                            SetFinished(n, ref state);
                        }
                    }

                    return;
                }
        }
    }

    private readonly record struct Node(TriggerKind Kind, int[] Children, int Cell, long Argument, long Argument2, int End);
}
