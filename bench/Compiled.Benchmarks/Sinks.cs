using Compiled;

namespace Compiled.Benchmarks;

/// <summary>Keeps the last value: the output of a global combine.</summary>
public struct LastValueSink<T> : ISink<T>
{
    public T Value;

    public void Receive(in WindowedValue<T> element) => Value = element.Value;
}

/// <summary>Digests keyed counts so that no output is dead code: distinct keys and the sum of counts.</summary>
public struct CountDigestSink<TKey> : ISink<KV<TKey, long>>
{
    public long Keys;
    public long Total;

    public void Receive(in WindowedValue<KV<TKey, long>> element)
    {
        Keys++;
        Total += element.Value.Value;
    }
}
