using System;

namespace Compiled;

/// <summary>
/// Thrown by a generated runner when user code fails while the pipeline runs (a transform's function, a combine
/// function, a window function or a sink) or when data breaks a rule of the model (a null key, a timestamp that moves
/// backward, a partition index out of range). Beam's <c>PipelineExecutionException</c>: the user's exception is the
/// <see cref="Exception.InnerException"/>, wrapped once with where it happened.
/// </summary>
/// <remarks>
/// <para>What the runner has done when this is thrown:</para>
/// <list type="bullet">
/// <item><description>A transform failed on a pushed element (<see cref="ElementIndex"/> is set): the elements before it
/// were applied exactly once, the failing element was applied up to the transform that failed, and the elements after it
/// were not pushed. Push again from <c>ElementIndex + 1</c> to resume; the runner stays consistent.</description></item>
/// <item><description>A sink failed (<see cref="Output"/> is set): nothing was lost. The result it refused, and every later
/// result for that output, is held in order (<see cref="HeldOutputs"/>) while the call completes; the next call to the
/// runner (for example the same call again) first delivers the held results, once, then does its own work. Should the
/// sink refuse them again, that call still does its own work (its results are held behind the others) and throws as it
/// ends: a call that throws for a sink has always done its work, so it is not to be repeated, except to deliver.</description></item>
/// <item><description>A transform failed on a fired pane or on an element replayed after its side input completed: the
/// call delivered every other pane, then threw; the failed pane is not delivered again.</description></item>
/// </list>
/// <para>Route bad records instead of failing with the transforms' failure outputs (<c>MapWithFailures</c> and the
/// others), Beam's <c>exceptionsInto</c>.</para>
/// </remarks>
public sealed class PipelineExecutionException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public PipelineExecutionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The user's exception.</param>
    public PipelineExecutionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with a default message.</summary>
    public PipelineExecutionException()
        : base("The pipeline failed.")
    {
    }

    /// <summary>The pipeline class, namespace-qualified.</summary>
    public string? Pipeline { get; init; }

    /// <summary>The transform that failed, as the plan names it (for example <c>Map (line 12)</c>); null when a sink failed or the transform could not be told.</summary>
    public string? Transform { get; init; }

    /// <summary>The line of the pipeline declaration where the failing transform is applied; 0 when unknown.</summary>
    public int Line { get; init; }

    /// <summary>The file that declares the pipeline, when known.</summary>
    public string? SourceFile { get; init; }

    /// <summary>The input being pushed when a transform failed on an element; null otherwise.</summary>
    public string? Input { get; init; }

    /// <summary>
    /// The position of the failing element in what was pushed (the span, the sequence, or the lines read; 0 for a single
    /// element); -1 when the failure was not on a pushed element. Elements before it were applied exactly once.
    /// </summary>
    public long ElementIndex { get; init; } = -1;

    /// <summary>The output whose sink threw; null when the failure was not a sink's.</summary>
    public string? Output { get; init; }

    /// <summary>Results held for delivery by the next call because a sink refused them (all outputs), when this was thrown.</summary>
    public long HeldOutputs { get; init; }

    /// <summary>How many failures the call met (this exception describes the first; the call went on past the others where it could).</summary>
    public int FailureCount { get; init; } = 1;

    /// <summary>The shard of a parallel run where the failure happened; -1 on a single-threaded runner.</summary>
    public int Shard { get; init; } = -1;

    /// <summary>
    /// The same failure as seen by the caller of a parallel run: names <paramref name="shard"/> of
    /// <paramref name="parallelism"/>, and moves <see cref="ElementIndex"/> (relative to the shard's part of the input) by
    /// <paramref name="elementIndexOffset"/> to the element's position in the whole input (-1 when unknown).
    /// </summary>
    /// <param name="shard">The shard that failed.</param>
    /// <param name="parallelism">How many shards ran.</param>
    /// <param name="elementIndexOffset">Where the shard's part of the failing input starts in the whole input; -1 when that is not known.</param>
    /// <returns>A new exception with the same user exception inside.</returns>
    public PipelineExecutionException OnShard(int shard, int parallelism, long elementIndexOffset)
    {
        var index = ElementIndex < 0 ? -1 : elementIndexOffset < 0 ? -1 : ElementIndex + elementIndexOffset;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        var where = "On shard " + shard.ToString(culture) + " of " + parallelism.ToString(culture) +
                    (ElementIndex < 0 ? string.Empty
                        : elementIndexOffset >= 0 ? ", whose part of input '" + Input + "' starts at element " + elementIndexOffset.ToString(culture) + " (the failing element is element " + index.ToString(culture) + " of the whole input)"
                        : ", in its part of input '" + Input + "'") + ": ";
        return new PipelineExecutionException(where + Message, InnerException)
        {
            Pipeline = Pipeline,
            Transform = Transform,
            Line = Line,
            SourceFile = SourceFile,
            Input = Input,
            ElementIndex = index,
            Output = Output,
            HeldOutputs = HeldOutputs,
            FailureCount = FailureCount,
            Shard = shard,
        };
    }
}
