using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled;
using Compiled.Execution;
using Compiled.Triggers;

namespace Compiled.Tests.Triggers;

/// <summary>
/// Drives one grouping's <see cref="KeyedPanes{TKey, TInput, TAccum, TOutput, TCombineFn}"/> the way Beam's
/// ReduceFnTester does: elements in bundles, watermark and processing-time advances, and the panes fired,
/// written as one line each so expectations read like Beam's test assertions.
/// </summary>
internal sealed class PaneScript
{
    private readonly KeyedPanes<string, int, List<int>, IReadOnlyList<int>, ToListFn<int>> _panes;
    private readonly Func<long, IEnumerable<BoundedWindow>> _windows;
    private readonly List<string> _out = new();

    public PaneScript(TriggerSpec trigger, Func<long, IEnumerable<BoundedWindow>> windows, PaneOptions options = default)
    {
        _panes = new(Combiners.ToList<int>(), new TriggerStateMachine(trigger), options);
        _windows = windows;
    }

    public static Func<long, IEnumerable<BoundedWindow>> Fixed(long size) =>
        t => new[] { BoundedWindow.Interval(new Instant(t - (((t % size) + size) % size)), new Instant(t - (((t % size) + size) % size) + size)) };

    public static Func<long, IEnumerable<BoundedWindow>> Sliding(long size, long period) => t =>
    {
        var list = new List<BoundedWindow>();
        for (var start = t - (((t % period) + period) % period); start > t - size; start -= period)
        {
            list.Add(BoundedWindow.Interval(new Instant(start), new Instant(start + size)));
        }

        return list;
    };

    public static Func<long, IEnumerable<BoundedWindow>> Sessions(long gap) =>
        t => new[] { BoundedWindow.Interval(new Instant(t), new Instant(t + gap)) };

    public static Func<long, IEnumerable<BoundedWindow>> Global => _ => new[] { BoundedWindow.Global };

    public KeyedPanes<string, int, List<int>, IReadOnlyList<int>, ToListFn<int>> Panes => _panes;

    /// <summary>One bundle of elements of key "k", each value also its timestamp unless given as (value, time).</summary>
    public PaneScript Elements(params long[] timestamps) => Bundle(timestamps.Select(t => ("k", (int)t, t)).ToArray());

    public PaneScript Bundle(params (string Key, int Value, long Time)[] elements)
    {
        foreach (var (key, value, time) in elements)
        {
            foreach (var window in _windows(time))
            {
                _panes.Add(key, value, new Instant(time), window);
            }
        }

        _panes.EndBundle();
        Drain();
        return this;
    }

    public PaneScript Watermark(long millis)
    {
        _panes.AdvanceWatermark(new Instant(millis));
        Drain();
        return this;
    }

    public PaneScript EndOfTime() => Watermark(Instant.MaxValue.Millis);

    public PaneScript ProcessingTime(long millis)
    {
        _panes.AdvanceProcessingTime(new Instant(millis));
        Drain();
        return this;
    }

    /// <summary>The panes fired since the last call, one line each, in firing order.</summary>
    public List<string> Take()
    {
        var result = _out.ToList();
        _out.Clear();
        return result;
    }

    public static string Describe(FiredPane<string, IReadOnlyList<int>> pane)
    {
        var window = pane.Window.IsGlobal ? "global" : "[" + pane.Window.Start.Millis.ToString(CultureInfo.InvariantCulture) + "," + pane.Window.End.Millis.ToString(CultureInfo.InvariantCulture) + ")";
        var timestamp = pane.Timestamp == BoundedWindow.Global.MaxTimestamp ? "end" : pane.Timestamp.Millis.ToString(CultureInfo.InvariantCulture);
        return pane.Key + " " + window + " [" + string.Join(",", pane.Value.OrderBy(v => v)) + "] @" + timestamp + " " + pane.Pane.Timing +
            " #" + pane.Pane.Index + "/" + pane.Pane.NonSpeculativeIndex + (pane.Pane.IsFirst ? " first" : string.Empty) + (pane.Pane.IsLast ? " last" : string.Empty);
    }

    private void Drain()
    {
        foreach (var pane in _panes.Fired)
        {
            _out.Add(Describe(pane));
        }

        _panes.ClearFired();
    }
}
