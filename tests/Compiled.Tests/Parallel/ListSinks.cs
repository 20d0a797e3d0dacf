using System.Collections.Generic;
using System.Linq;

namespace Compiled.Tests.Parallel;

/// <summary>The sinks a parallel runner makes, one per partition and shard (made on any thread), and everything they received.</summary>
internal sealed class ListSinks<T>
{
    private readonly List<ListSink<T>> _sinks = new();

    /// <summary>Makes a sink: the factory given to <c>CreateParallelRunner</c>.</summary>
    public ListSink<T> Make()
    {
        var sink = new ListSink<T>();
        lock (_sinks)
        {
            _sinks.Add(sink);
        }

        return sink;
    }

    /// <summary>Every element every sink received (read once the runner has finished).</summary>
    public List<WindowedValue<T>> Elements
    {
        get
        {
            lock (_sinks)
            {
                return _sinks.SelectMany(s => s.Elements).ToList();
            }
        }
    }
}
