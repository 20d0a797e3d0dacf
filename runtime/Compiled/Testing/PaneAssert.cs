using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Compiled.Testing;

/// <summary>Thrown when a pane assertion fails; test frameworks report it as a failure with its message.</summary>
public sealed class PaneAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PaneAssertionException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Pane-aware assertions on a runner's output (Beam's <c>PAssert</c>): pick the elements of a window, or of one
/// kind of pane in it, then check their contents. Works with any test framework (failures throw
/// <see cref="PaneAssertionException"/>).
/// </summary>
public static class PaneAssert
{
    /// <summary>Starts an assertion on everything an output received (e.g. <c>ListSink.Elements</c>).</summary>
    public static PaneAssertion<T> That<T>(IEnumerable<WindowedValue<T>> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new PaneAssertion<T>(output.ToList(), "the output");
    }
}

/// <summary>A selection of output elements to assert on.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class PaneAssertion<T>
{
    private readonly List<WindowedValue<T>> _elements;
    private readonly string _what;

    internal PaneAssertion(List<WindowedValue<T>> elements, string what)
    {
        _elements = elements;
        _what = what;
    }

    /// <summary>The selected elements with their timestamps, windows and panes.</summary>
    public IReadOnlyList<WindowedValue<T>> Elements => _elements;

    /// <summary>All panes of <paramref name="window"/> (Beam's <c>inWindow</c>).</summary>
    public PaneAssertion<T> InWindow(BoundedWindow window) => Where(e => e.Window == window, "window " + window);

    /// <summary>The on-time pane of <paramref name="window"/> (Beam's <c>inOnTimePane</c>).</summary>
    public PaneAssertion<T> InOnTimePane(BoundedWindow window) =>
        Where(e => e.Window == window && e.Pane.Timing == PaneTiming.OnTime, "the on-time pane of " + window);

    /// <summary>The final pane of <paramref name="window"/> (Beam's <c>inFinalPane</c>).</summary>
    public PaneAssertion<T> InFinalPane(BoundedWindow window) =>
        Where(e => e.Window == window && e.Pane.IsLast, "the final pane of " + window);

    /// <summary>The early panes of <paramref name="window"/> (Beam's <c>inEarlyPane</c>).</summary>
    public PaneAssertion<T> InEarlyPanes(BoundedWindow window) =>
        Where(e => e.Window == window && e.Pane.Timing == PaneTiming.Early, "the early panes of " + window);

    /// <summary>The late panes of <paramref name="window"/> (Beam's <c>inLatePane</c>).</summary>
    public PaneAssertion<T> InLatePanes(BoundedWindow window) =>
        Where(e => e.Window == window && e.Pane.Timing == PaneTiming.Late, "the late panes of " + window);

    /// <summary>Every early and on-time pane of <paramref name="window"/> together (Beam's <c>inCombinedNonLatePanes</c>).</summary>
    public PaneAssertion<T> InCombinedNonLatePanes(BoundedWindow window) =>
        Where(e => e.Window == window && e.Pane.Timing != PaneTiming.Late, "the non-late panes of " + window);

    /// <summary>The pane with index <paramref name="index"/> of <paramref name="window"/>.</summary>
    public PaneAssertion<T> InPane(BoundedWindow window, long index) =>
        Where(e => e.Window == window && e.Pane.Index == index, "pane " + index.ToString(CultureInfo.InvariantCulture) + " of " + window);

    /// <summary>Asserts the selection holds exactly these values, in any order (Beam's <c>containsInAnyOrder</c>).</summary>
    /// <exception cref="PaneAssertionException">It does not.</exception>
    public PaneAssertion<T> ContainsInAnyOrder(params T[] expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var missing = expected.ToList();
        var unexpected = new List<T>();
        foreach (var element in _elements)
        {
            var at = missing.FindIndex(x => EqualityComparer<T>.Default.Equals(x, element.Value));
            if (at >= 0)
            {
                missing.RemoveAt(at);
            }
            else
            {
                unexpected.Add(element.Value);
            }
        }

        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new PaneAssertionException(
                "Expected " + _what + " to contain [" + string.Join(", ", expected) + "] in any order, but it contains [" +
                string.Join(", ", _elements.Select(e => e.Value)) + "]" +
                (missing.Count > 0 ? "; missing [" + string.Join(", ", missing) + "]" : string.Empty) +
                (unexpected.Count > 0 ? "; unexpected [" + string.Join(", ", unexpected) + "]" : string.Empty) +
                ". Panes: " + string.Join("; ", _elements.Select(e => e.ToString())) + ".");
        }

        return this;
    }

    /// <summary>Asserts the selection is empty (Beam's <c>empty</c>).</summary>
    /// <exception cref="PaneAssertionException">It is not.</exception>
    public PaneAssertion<T> IsEmpty()
    {
        if (_elements.Count > 0)
        {
            throw new PaneAssertionException("Expected " + _what + " to be empty, but it contains: " + string.Join("; ", _elements.Select(e => e.ToString())) + ".");
        }

        return this;
    }

    /// <summary>Asserts every selected element satisfies <paramref name="predicate"/>, described by <paramref name="description"/>.</summary>
    /// <exception cref="PaneAssertionException">One does not.</exception>
    public PaneAssertion<T> All(Func<WindowedValue<T>, bool> predicate, string description)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        foreach (var element in _elements)
        {
            if (!predicate(element))
            {
                throw new PaneAssertionException("Expected every element of " + _what + " to be " + description + ", but not " + element + ".");
            }
        }

        return this;
    }

    private PaneAssertion<T> Where(Func<WindowedValue<T>, bool> predicate, string what) => new(_elements.Where(predicate).ToList(), what);
}
