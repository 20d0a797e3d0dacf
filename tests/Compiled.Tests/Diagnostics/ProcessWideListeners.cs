using Xunit;

namespace Compiled.Tests.Diagnostics;

/// <summary>
/// Tests that start a process-wide metrics or activity listener run alone. A listener enabled on the <c>Compiled</c>
/// meter or activity source is called on the thread that records, for every runner in the process: while one is
/// on, a test beside it that counts the bytes its own thread allocates (the allocation tests) would count the
/// listener's allocations too.
/// </summary>
[CollectionDefinition(nameof(ProcessWideListeners), DisableParallelization = true)]
public sealed class ProcessWideListeners;
