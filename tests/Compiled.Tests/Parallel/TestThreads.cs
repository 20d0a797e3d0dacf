using System;
using System.Collections.Concurrent;
using System.Threading;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>Runs bodies on threads of their own, fails the test if they do not all end in time, and rethrows their first exception.</summary>
internal static class TestThreads
{
    public static void Run(TimeSpan timeout, params Action[] bodies)
    {
        var errors = new ConcurrentQueue<Exception>();
        var threads = new Thread[bodies.Length];
        for (int i = 0; i < bodies.Length; i++)
        {
            var body = bodies[i];
            threads[i] = new Thread(() =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            })
            {
                IsBackground = true,
                Name = "test thread " + i,
            };
            threads[i].Start();
        }

        var deadline = DateTime.UtcNow + timeout;
        foreach (var thread in threads)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero), $"{thread.Name} did not finish within {timeout}");
        }

        if (errors.TryDequeue(out var error))
        {
            throw new InvalidOperationException("A test thread failed: " + error.Message, error);
        }
    }
}
