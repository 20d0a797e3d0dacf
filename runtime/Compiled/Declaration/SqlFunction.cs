using System;

namespace Compiled;

/// <summary>
/// A C# function a SQL query calls by name: a static method as a scalar function (<c>SqlFunction.Scalar("slug",
/// Text.Slug)</c>, called directly from the compiled query), or a combine function as an aggregate
/// (<c>SqlFunction.Aggregate("median", new MedianFn())</c>). Passed to
/// <see cref="PipelineBuilder.Sql{TRow}(string, SqlInput[])"/> after the tables.
/// </summary>
/// <remarks>
/// Declaration only: the generator reads it; it is never created at run time, so the method group is never a delegate.
/// A query's argument must convert implicitly to the parameter's type, and an argument that may be NULL needs a
/// parameter that can hold null; an aggregate skips NULL values, as COUNT, SUM, MIN and MAX do.
/// </remarks>
public sealed class SqlFunction : SqlInput
{
    private SqlFunction()
    {
    }

    /// <summary>A static method as a scalar function named <paramref name="name"/>: <c>SqlFunction.Scalar("slug", Text.Slug)</c>.</summary>
    /// <param name="name">The name the query calls it by (matched without regard to case).</param>
    /// <param name="method">A static method group of one method (so that it has a delegate type of its own).</param>
    /// <returns>The function, for the query's inputs.</returns>
    public static SqlFunction Scalar(string name, Delegate method) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// A combine function as an aggregate named <paramref name="name"/>, of one argument: in a grouped query it combines
    /// each group's values (lifted across exchanges with the query's other aggregates).
    /// </summary>
    /// <typeparam name="TInput">The argument's type.</typeparam>
    /// <typeparam name="TAccumulator">The accumulator's type.</typeparam>
    /// <typeparam name="TOutput">The result's type.</typeparam>
    /// <param name="name">The name the query calls it by (matched without regard to case).</param>
    /// <param name="fn">The combine function: a struct (<c>new MedianFn()</c>), made where the query calls it.</param>
    /// <returns>The function, for the query's inputs.</returns>
    public static SqlFunction Aggregate<TInput, TAccumulator, TOutput>(string name, ICombineFn<TInput, TAccumulator, TOutput> fn) => throw DeclarationOnlyException.Create();
}
