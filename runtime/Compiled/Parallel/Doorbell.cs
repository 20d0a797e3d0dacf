using System.Threading;

namespace Compiled.Parallel;

/// <summary>
/// The wake-up signal of one consumer, shared by the producers of its channels: a producer rings it after publishing, and
/// only when the consumer said it is about to sleep, so a busy consumer costs its producers one read per batch.
/// </summary>
/// <remarks>
/// The consumer calls <see cref="Prepare"/>, then looks at its channels once more, then <see cref="Wait"/> (or
/// <see cref="Cancel"/> when it found something). A producer publishes with a full fence, then calls
/// <see cref="RingIfWaiting"/>. Either the consumer's second look sees the item, or the producer sees the waiting flag
/// and sets the event after the consumer reset it: no wake-up is lost.
/// </remarks>
internal sealed class Doorbell
{
    private readonly ManualResetEventSlim _event = new(initialState: false, spinCount: 1);
    private int _waiting;

    /// <summary>Producer side: wakes the consumer if it is waiting or about to wait. Call after publishing with a full fence.</summary>
    public void RingIfWaiting()
    {
        if (Volatile.Read(ref _waiting) != 0)
        {
            _event.Set();
        }
    }

    /// <summary>Wakes the consumer whether or not it announced a wait (a clock's timer): it finds the reason in a flag of its own.</summary>
    public void Ring() => _event.Set();

    /// <summary>Consumer side: announces a wait. Look at the channels again before calling <see cref="Wait"/>.</summary>
    public void Prepare()
    {
        _event.Reset();
        Interlocked.Exchange(ref _waiting, 1);
    }

    /// <summary>Consumer side: the second look found something; no wait.</summary>
    public void Cancel() => Volatile.Write(ref _waiting, 0);

    /// <summary>Consumer side: sleeps until a producer rings, the timeout passes (false) or the token is cancelled (throws).</summary>
    public bool Wait(int millisecondsTimeout, CancellationToken cancellation)
    {
        try
        {
            return _event.Wait(millisecondsTimeout, cancellation);
        }
        finally
        {
            Volatile.Write(ref _waiting, 0);
        }
    }
}
