using System;
using System.Buffers;
using Compiled.Coders;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Coders;

/// <summary>The round-trip property every coder must have, in both encodings and through both kinds of destination.</summary>
internal static class CoderAssert
{
    /// <summary>
    /// For every generated value: the exact encoding decodes to an equal value (<paramref name="equal"/>, or Equals) that
    /// encodes to the same bytes again (so every bit is kept: a zero's sign, a decimal's scale); a span and a buffer writer
    /// receive the same bytes; the canonical encoding decodes to a value with the same canonical bytes; a truncated
    /// encoding is refused.
    /// </summary>
    public static void RoundTrips<T, TCoder>(Gen<T> gen, Func<T, T, bool>? equal = null, long iterations = 200)
        where TCoder : struct, ICoder<T> =>
        gen.Sample(
            value =>
            {
                var bytes = Coder.ToArray<T, TCoder>(value);
                var back = Coder.Decode<T, TCoder>(bytes);
                Assert.True(equal is null ? Equals(value, back) : equal(value, back), "decoded " + back + ", encoded " + value);
                Assert.Equal(bytes, Coder.ToArray<T, TCoder>(back));

                var span = new byte[bytes.Length];
                Assert.Equal(bytes.Length, Coder.Encode<T, TCoder>(value, span));
                Assert.Equal(bytes, span);
                var chunked = new ArrayBufferWriter<byte>(1);
                Assert.Equal(bytes.Length, Coder.Encode<T, TCoder>(value, chunked));
                Assert.Equal(bytes, chunked.WrittenSpan.ToArray());

                var canonical = Coder.ToArray<T, TCoder>(value, canonical: true);
                var canonicalBack = Coder.Decode<T, TCoder>(canonical, canonical: true);
                Assert.Equal(canonical, Coder.ToArray<T, TCoder>(canonicalBack, canonical: true));
                Assert.Equal(Compiled.Parallel.KeyHasher.HashEncoding(canonical), Coder.Hash<T, TCoder>(value));

                if (bytes.Length > 0)
                {
                    Assert.Throws<CoderException>(() => Coder.Decode<T, TCoder>(bytes.AsSpan(0, bytes.Length - 1)));
                }
            },
            iter: iterations);
}
