using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Compiled.Tests.Parallel;

/// <summary>
/// Panes as comparable lines, for comparing a parallel runner's output with another run's. Whether an on-time or late
/// pane is also the last one depends on whether the watermark step that fired it also passed its window's end plus the
/// allowed lateness (one pane marked last, as Beam's ReduceFnRunner emits) or a later step did: a key shard's input
/// watermark is the minimum over its producers, whose markers travel lazily, so it may take fewer, larger steps than the
/// single-threaded runner's. That flag of on-time and late panes is left out of the comparison (seed axF4IAAglH-3 of
/// GlobalSessionCount: a late session pane fired by the last step, to the end of input, is marked last on the shard).
/// </summary>
internal static partial class PaneLines
{
    /// <summary>The panes, each as a line without the last flag of on-time and late panes, in ordinal order.</summary>
    public static List<string> Multiset<T>(IEnumerable<WindowedValue<T>> elements, Func<T, string>? show = null) =>
        Multiset(elements.Select(e => show is null ? e.ToString() : show(e.Value) + " @" + e.Timestamp + " " + e.Window + " " + e.Pane));

    /// <summary>Lines of panes (as <see cref="WindowedValue{T}.ToString"/> prints them) without that flag, in ordinal order.</summary>
    public static List<string> Multiset(IEnumerable<string> lines) =>
        lines.Select(line => LastFlag().Replace(line, "Pane($1, index $2$3)")).Order(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"Pane\((OnTime|Late), index (\d+)(, first)?, last\)", RegexOptions.CultureInvariant)]
    private static partial Regex LastFlag();
}
