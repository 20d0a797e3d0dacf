using Xunit;

namespace Compiled.Tests.Samples;

/// <summary>
/// Tests that run <c>dotnet publish</c> or <c>dotnet pack</c> on the repository's projects: one at a time, since each
/// restores the runtime project for its runtime identifier into the same obj folder, and two restores at once collide
/// ("project.assets.json already exists").
/// </summary>
[CollectionDefinition(nameof(DotnetBuilds))]
public sealed class DotnetBuilds
{
}
