using System;
using System.Threading;

namespace Compiled.Parallel;

/// <summary>
/// Runs one body on N shards, one thread each (shard 0 on the calling thread), with a barrier between phases and one
/// cancellation token that is cancelled as soon as any shard fails.
/// </summary>
/// <remarks>
/// <para>Create the group first, give its <see cref="Cancellation"/> to the channels and inboxes the shards exchange
/// through, then <see cref="Run"/>. Every blocking wait of those channels, inboxes and of <see cref="SignalAndWait"/> wakes
/// with an <see cref="OperationCanceledException"/> when a shard fails, so no shard hangs on a dead one: a producer
/// blocked on the full channel of a consumer that threw is released.</para>
/// <para><see cref="Run"/> returns when every shard has returned, and throws a <see cref="ShardFailedException"/> for the
/// first failure, with the shard's index and its exception inside. Failures of other shards after the group was
/// cancelled are taken as caused by the cancellation and not reported; an <see cref="OperationCanceledException"/> after
/// the cancellation never is.</para>
/// <para>A group runs once; dispose it after.</para>
/// </remarks>
public sealed class ShardGroup : IDisposable
{
    private static readonly Failure CancelledByCaller = new(-1, new OperationCanceledException());

    private readonly CancellationTokenSource _cancellation = new();
    private readonly Barrier _barrier;
    private Failure? _first;
    private int _started;

    /// <summary>Creates a group of shards.</summary>
    /// <param name="parallelism">The number of shards, from 1 to <see cref="KeyGroups.UpperBound"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parallelism"/> is out of range.</exception>
    public ShardGroup(int parallelism)
    {
        if (parallelism < 1 || parallelism > KeyGroups.UpperBound)
        {
            throw new ArgumentOutOfRangeException(nameof(parallelism), parallelism, $"The parallelism must be from 1 to {KeyGroups.UpperBound}; it was {parallelism}.");
        }

        Parallelism = parallelism;
        _barrier = new Barrier(parallelism);
    }

    /// <summary>The number of shards.</summary>
    public int Parallelism { get; }

    /// <summary>Cancelled when a shard fails (or the caller's token passed to <see cref="Run"/> is cancelled): give it to every channel and inbox of the run.</summary>
    public CancellationToken Cancellation => _cancellation.Token;

    /// <summary>The number of the current phase: how many times every shard has passed <see cref="SignalAndWait"/>.</summary>
    public long Phase => _barrier.CurrentPhaseNumber;

    /// <summary>
    /// Runs <paramref name="body"/> on every shard, with its index, and returns when all have returned. Shard 0 runs on
    /// the calling thread, the others on threads of their own.
    /// </summary>
    /// <param name="body">The work of one shard.</param>
    /// <param name="cancellationToken">Cancels the run: <see cref="Cancellation"/> is cancelled with it.</param>
    /// <exception cref="ShardFailedException">A shard threw: the first one, with its exception inside.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before any shard failed.</exception>
    /// <exception cref="InvalidOperationException">The group has run already.</exception>
    public void Run(Action<int> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A shard group runs once; create a new one for another run.");
        }

        using (cancellationToken.UnsafeRegister(static state => ((ShardGroup)state!).CancelByCaller(), this))
        {
            var threads = new Thread[Parallelism - 1];
            for (int shard = 1; shard < Parallelism; shard++)
            {
                int index = shard;
                threads[shard - 1] = new Thread(() => RunShard(index, body))
                {
                    IsBackground = true,
                    Name = "Compiled shard " + index,
                };
                threads[shard - 1].Start();
            }

            RunShard(0, body);
            foreach (var thread in threads)
            {
                thread.Join();
            }
        }

        var first = Volatile.Read(ref _first);
        if (ReferenceEquals(first, CancelledByCaller))
        {
            throw new OperationCanceledException(cancellationToken);
        }

        if (first is not null)
        {
            throw new ShardFailedException(first.Shard, first.Error);
        }
    }

    /// <summary>
    /// The barrier between phases: blocks until every shard has called it for this phase (shards that have returned from
    /// the body no longer count), then all continue.
    /// </summary>
    /// <exception cref="OperationCanceledException">The group was cancelled (a shard failed) while the call waited.</exception>
    public void SignalAndWait() => _barrier.SignalAndWait(_cancellation.Token);

    /// <summary>Releases the cancellation source and the barrier.</summary>
    public void Dispose()
    {
        _cancellation.Dispose();
        _barrier.Dispose();
    }

    private void RunShard(int shard, Action<int> body)
    {
        try
        {
            body(shard);
        }
        catch (Exception error)
        {
            Report(shard, error);
            return;
        }

        // A shard that is done takes no part in later phases, so the others do not wait for it at the barrier.
        try
        {
            _barrier.RemoveParticipant();
        }
        catch (InvalidOperationException)
        {
            // Cancelled in the middle of a phase: the barrier's count no longer matters.
        }
    }

    private void Report(int shard, Exception error)
    {
        if (error is OperationCanceledException && _cancellation.IsCancellationRequested)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _first, new Failure(shard, error), null) is null)
        {
            _cancellation.Cancel();
        }
    }

    private void CancelByCaller()
    {
        Interlocked.CompareExchange(ref _first, CancelledByCaller, null);
        _cancellation.Cancel();
    }

    private sealed record Failure(int Shard, Exception Error);
}
