using System;

namespace Compiled;

/// <summary>
/// The root of a pipeline declaration: the parameter of a <c>[Pipeline]</c> class's
/// <c>static void Define(PipelineBuilder p)</c> (or <c>Define(PipelineBuilder p, TOptions options)</c>) method.
/// Its members declare the pipeline's inputs; it may be passed to composite transforms (see <see cref="PipelineAttribute"/>).
/// </summary>
/// <remarks>Declaration only: the generator reads calls to these members; they throw if executed.</remarks>
public sealed class PipelineBuilder
{
    private PipelineBuilder()
    {
    }

    /// <summary>
    /// Declares an in-memory input named <paramref name="name"/> (Beam's <c>Create</c>). The generated
    /// runner takes its elements at run time (a span, a sequence, or element by element).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="name">The input's name: a constant string, used for generated member names.</param>
    public PCollection<T> Create<T>(string name) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Declares an unbounded (streaming) input named <paramref name="name"/>: elements arrive with event
    /// timestamps while the watermark advances, and the input may never end. The generated runner is the
    /// same as for <see cref="Create{T}(string)"/>; the declaration tells the analyzers that groupings in
    /// the global window with the default trigger would never emit before the input ends.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="name">The input's name: a constant string, used for generated member names.</param>
    public PCollection<T> Unbounded<T>(string name) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Declares an unbounded input whose source assigns event timestamps and derives its own watermark: the
    /// watermark of this input is the latest timestamp seen minus <paramref name="maxOutOfOrderness"/> (data at
    /// most that much out of order is on time), advanced after every pushed bundle. With
    /// <paramref name="idleness"/> set, an input that receives nothing for that long in processing time stops
    /// holding the pipeline's watermark back (it counts again when data arrives). The pipeline's watermark is the
    /// minimum over its inputs' watermarks.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="name">The input's name: a constant string.</param>
    /// <param name="timestamps">The event timestamp of an element: a static lambda or method group.</param>
    /// <param name="maxOutOfOrderness">How far out of order data may arrive: a constant duration.</param>
    /// <param name="idleness">After how long without data (processing time) the input is idle; zero (the default): never.</param>
    public PCollection<T> Unbounded<T>(string name, Func<T, Instant> timestamps, TimeSpan maxOutOfOrderness, TimeSpan idleness = default) =>
        throw DeclarationOnlyException.Create();

    /// <summary>
    /// Declares a text input named <paramref name="name"/> whose elements are lines (Beam's
    /// <c>TextIO.read()</c>). At run time it reads a file through System.IO.Pipelines with bounded
    /// memory, or takes in-memory lines.
    /// </summary>
    /// <param name="name">The input's name: a constant string, used for generated member names.</param>
    public PCollection<string> ReadLines(string name) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Declares a text input named <paramref name="name"/> whose elements are lines as UTF-8 bytes, never decoded: a
    /// line is a slice of the input's bytes (<see cref="TextInput.FromUtf8"/>) or of a buffer that is never reused, so
    /// it, and slices of it (words), may be kept, grouped and counted as they are. Keys of type
    /// <see cref="System.ReadOnlyMemory{T}"/> of <see cref="byte"/> are compared by their bytes, and no string is made
    /// for them. Lines are split as <see cref="ReadLines"/> splits them.
    /// </summary>
    /// <param name="name">The input's name: a constant string, used for generated member names.</param>
    public PCollection<System.ReadOnlyMemory<byte>> ReadUtf8Lines(string name) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Merges several collections of the same type into one (Beam's <c>Flatten</c>). Copies nothing:
    /// each input pushes straight into the consumers of the result.
    /// </summary>
    public PCollection<T> Flatten<T>(params PCollection<T>[] inputs) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// A SQL query over collections, read, checked and compiled at build time into the same fused loop code as the
    /// transforms it stands for: a mistake in the query (a syntax error, an unknown table or column, a type mismatch) is a
    /// build error at its place inside the string. Each result row is a <typeparamref name="TRow"/>, built from the
    /// selected columns by name (its constructor's parameters, or else its settable members).
    /// </summary>
    /// <remarks>
    /// Supported today: <c>SELECT expressions [AS name] | * FROM table-or-subquery [alias] [[LEFT | RIGHT | FULL]
    /// JOIN table-or-subquery [alias] ON conditions | CROSS JOIN table-or-subquery [alias]] [WHERE condition] [GROUP BY expressions [HAVING
    /// condition]]</c>, SELECTs joined by UNION ALL, then <c>ORDER BY ... LIMIT n</c>; COUNT, SUM, AVG, MIN and MAX (lifted
    /// into one combine function, and computed before a join where they read one table), TUMBLE, HOP and SESSION in GROUP
    /// BY, arithmetic, comparisons, AND/OR/NOT (SQL's three-valued logic where a column may be null), CASE, CAST, BETWEEN,
    /// IN (values or a subquery), IS [NOT] NULL, LIKE, COALESCE, <c>||</c>, UPPER, LOWER, CHAR_LENGTH, ABS, MOD, FLOOR, CEIL,
    /// timestamps (compared, moved by an INTERVAL, rounded, MIN and MAX, EXTRACT), and the C# functions given as
    /// <see cref="SqlFunction"/>. GROUP BY groups per window of the input. The README's SQL section lists what the
    /// parser reads that the compiler does not take yet; each is a build error at its place,
    /// never a wrong result.
    /// </remarks>
    /// <typeparam name="TRow">
    /// The result row type: a type you declare, or a name no type has, for which the generator declares a record in the
    /// pipeline class with a member per column (named in Pascal case, typed as the column computes).
    /// </typeparam>
    /// <param name="query">The query: a constant string.</param>
    /// <param name="tables">
    /// The collections the query reads, each named with <see cref="PCollection{T}.AsTable(string)"/>, then the C#
    /// functions it calls (<see cref="SqlFunction.Scalar(string, System.Delegate)"/>,
    /// <see cref="SqlFunction.Aggregate{TInput, TAccumulator, TOutput}(string, ICombineFn{TInput, TAccumulator, TOutput})"/>).
    /// </param>
    public PCollection<TRow> Sql<TRow>(string query, params SqlInput[] tables) => throw DeclarationOnlyException.Create();
}
