using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Compiled.Execution;

/// <summary>
/// Calls a sink and returns what it threw instead of throwing it: generated runners call sinks through this, so that the
/// exception handling a sink needs stays in this small method, out of the runner's loops (a method with a try/catch
/// keeps its locals out of registers). Called by generated code only.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SinkCalls
{
    /// <summary>Delivers <paramref name="element"/> to <paramref name="sink"/>.</summary>
    /// <typeparam name="TSink">The sink (a struct sink is called directly).</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="sink">The sink, by reference (a struct sink's state is updated in place).</param>
    /// <param name="element">The element.</param>
    /// <returns>Null when the sink took the element; what it threw otherwise.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception? TryReceive<TSink, T>(ref TSink sink, in WindowedValue<T> element)
        where TSink : ISink<T>
    {
        try
        {
            sink.Receive(in element);
            return null;
        }
#pragma warning disable CA1031 // A sink's failure of any kind is held and reported by the runner.
        catch (Exception error)
#pragma warning restore CA1031
        {
            return error;
        }
    }
}
