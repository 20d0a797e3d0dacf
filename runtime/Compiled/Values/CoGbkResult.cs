using System.Collections.Generic;

namespace Compiled;

/// <summary>The values of one key from each input of a two-way <c>CoGroupByKey</c> (Beam's <c>CoGbkResult</c>).</summary>
public sealed class CoGbkResult<T1, T2>
{
    /// <summary>Creates a result.</summary>
    public CoGbkResult(IReadOnlyList<T1> first, IReadOnlyList<T2> second)
    {
        First = first;
        Second = second;
    }

    /// <summary>The values from the first input (empty if the key is absent there).</summary>
    public IReadOnlyList<T1> First { get; }

    /// <summary>The values from the second input (empty if the key is absent there).</summary>
    public IReadOnlyList<T2> Second { get; }
}

/// <summary>The values of one key from each input of a three-way <c>CoGroupByKey</c>.</summary>
public sealed class CoGbkResult<T1, T2, T3>
{
    /// <summary>Creates a result.</summary>
    public CoGbkResult(IReadOnlyList<T1> first, IReadOnlyList<T2> second, IReadOnlyList<T3> third)
    {
        First = first;
        Second = second;
        Third = third;
    }

    /// <summary>The values from the first input.</summary>
    public IReadOnlyList<T1> First { get; }

    /// <summary>The values from the second input.</summary>
    public IReadOnlyList<T2> Second { get; }

    /// <summary>The values from the third input.</summary>
    public IReadOnlyList<T3> Third { get; }
}
