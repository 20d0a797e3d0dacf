using System;

namespace Compiled.Parallel;

/// <summary>How a streaming parallel runner (a pipeline's <c>CreateParallelRunner</c>) runs.</summary>
public sealed record ParallelRunnerOptions
{
    /// <summary>Shards per exchange level: the threads that own key groups. Default <see cref="Environment.ProcessorCount"/>.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The number of key groups, fixed for the job: the largest parallelism it can later be restored at. Default 128.</summary>
    public int MaxParallelism { get; init; } = KeyGroups.DefaultMaxParallelism;

    /// <summary>
    /// Partitions of the inputs: each is a runner of its own that one thread pushes into (as each partition of a Kafka
    /// topic is read by one consumer), with its own watermark. Default 1.
    /// </summary>
    public int Partitions { get; init; } = 1;

    /// <summary>Elements per batch of each exchange channel. Default 1,024.</summary>
    public int BatchSize { get; init; } = ExchangeChannel<int>.DefaultBatchSize;

    /// <summary>Batches each exchange channel holds before its sender blocks: with <see cref="BatchSize"/>, the bound on memory in flight. Default 8.</summary>
    public int Capacity { get; init; } = ExchangeChannel<int>.DefaultCapacity;

    /// <summary>
    /// Milliseconds after which a watermark advance also publishes half-full batches, so that results do not wait for a
    /// batch to fill while the watermark moves. Default 1; negative: batches are published only when full, on
    /// <c>Flush</c> and at <c>Finish</c>.
    /// </summary>
    public int FlushInterval { get; init; } = 1;

    /// <summary>
    /// The clock of every partition and shard: null (the default), processing time moves only through
    /// <c>AdvanceProcessingTime</c>, as in the single-threaded runner. Set (to <see cref="System.TimeProvider.System"/>, or a
    /// fake clock in tests) and processing time also moves by itself: each partition reads it on every push and arms its
    /// timer for its own deadlines (an input going idle, and publishing sent elements within <see cref="FlushInterval"/>
    /// milliseconds of the clock when its stream goes quiet), and each shard arms a timer for its earliest processing-time
    /// trigger, so early firings fire on time while no element arrives. Each shard's firings run on its own thread, in
    /// order with what it receives.
    /// </summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        KeyGroups.ValidateParallelism(Parallelism, MaxParallelism);
        if (Partitions < 1 || Partitions > KeyGroups.UpperBound)
        {
            throw new ArgumentOutOfRangeException(nameof(Partitions), Partitions, $"The number of partitions must be from 1 to {KeyGroups.UpperBound}; it was {Partitions}.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "A batch holds at least one element.");
        }

        if (Capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "A channel holds at least one batch.");
        }
    }
}
