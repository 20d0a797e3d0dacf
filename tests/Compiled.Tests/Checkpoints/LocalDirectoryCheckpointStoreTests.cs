using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Compiled.Tests.Checkpoints;

public sealed class LocalDirectoryCheckpointStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ListLogger _logger = new();

    public void Dispose() => _dir.Dispose();

    private static CheckpointData Checkpoint(long id, int size = 100) => new(
        id,
        new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddMinutes(id),
        new[]
        {
            new CheckpointPart("runner", CheckpointPartKind.State, 0x1234_5678_9ABC_DEF0, Enumerable.Range(0, size).Select(i => (byte)(i * id)).ToArray()),
            new CheckpointPart("source: in/file.txt", CheckpointPartKind.State, 42, new byte[] { 1, 2, 3 }),
            new CheckpointPart("sink", CheckpointPartKind.Transaction, 0, ReadOnlyMemory<byte>.Empty),
        });

    private LocalDirectoryCheckpointStore Store(int keepLast = 3) => new(_dir.Path, keepLast, _logger);

    private string Folder(long id) => Path.Combine(_dir.Path, LocalDirectoryCheckpointStore.FolderName(id));

    private string[] Warnings() => _logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToArray();

    [Fact]
    public async Task RoundTrip_GivesBackEveryPart()
    {
        var store = Store();
        var written = Checkpoint(7);
        await store.WriteAsync(written);

        var loaded = await Store().LoadLatestAsync();

        Assert.NotNull(loaded);
        Assert.Equal(7, loaded.Id);
        Assert.Equal(written.CreatedAt, loaded.CreatedAt);
        Assert.Equal(written.Parts.Count, loaded.Parts.Count);
        for (int i = 0; i < written.Parts.Count; i++)
        {
            Assert.Equal(written.Parts[i].Name, loaded.Parts[i].Name);
            Assert.Equal(written.Parts[i].Kind, loaded.Parts[i].Kind);
            Assert.Equal(written.Parts[i].Fingerprint, loaded.Parts[i].Fingerprint);
            Assert.Equal(written.Parts[i].Data.ToArray(), loaded.Parts[i].Data.ToArray());
        }

        Assert.True(Directory.Exists(Folder(7)));
        Assert.True(File.Exists(Path.Combine(Folder(7), LocalDirectoryCheckpointStore.ManifestFileName)));
        Assert.Empty(Directory.GetDirectories(_dir.Path, "*.tmp"));
    }

    [Fact]
    public async Task Empty_OrMissingDirectory_LoadsNothing()
    {
        Assert.Null(await Store().LoadLatestAsync());
        Assert.Null(await new LocalDirectoryCheckpointStore(Path.Combine(_dir.Path, "missing")).LoadLatestAsync());
    }

    [Fact]
    public async Task LoadsTheLatest()
    {
        var store = Store();
        for (long id = 1; id <= 3; id++)
        {
            await store.WriteAsync(Checkpoint(id));
        }

        Assert.Equal(3, (await store.LoadLatestAsync())!.Id);
    }

    [Fact]
    public async Task KeepsTheLastN()
    {
        var store = Store(keepLast: 2);
        for (long id = 1; id <= 5; id++)
        {
            await store.WriteAsync(Checkpoint(id));
        }

        var folders = Directory.GetDirectories(_dir.Path).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(new[] { LocalDirectoryCheckpointStore.FolderName(4), LocalDirectoryCheckpointStore.FolderName(5) }, folders);
    }

    [Fact]
    public async Task CorruptPart_IsPassedOverForThePreviousCheckpoint_WithAWarning()
    {
        var store = Store();
        await store.WriteAsync(Checkpoint(1));
        await store.WriteAsync(Checkpoint(2));
        string part = Directory.GetFiles(Folder(2)).First(f => Path.GetFileName(f).Contains("runner", StringComparison.Ordinal));
        byte[] bytes = File.ReadAllBytes(part);
        bytes[50] ^= 0x01;
        File.WriteAllBytes(part, bytes);

        var loaded = await Store().LoadLatestAsync();

        Assert.Equal(1, loaded!.Id);
        string warning = Assert.Single(Warnings());
        Assert.Contains(LocalDirectoryCheckpointStore.FolderName(2), warning, StringComparison.Ordinal);
        Assert.Contains("corrupt", warning, StringComparison.Ordinal);
        Assert.Contains("runner", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedPart_IsPassedOver()
    {
        var store = Store();
        await store.WriteAsync(Checkpoint(1));
        await store.WriteAsync(Checkpoint(2));
        string part = Directory.GetFiles(Folder(2)).First(f => Path.GetFileName(f).Contains("runner", StringComparison.Ordinal));
        using (var stream = new FileStream(part, FileMode.Open))
        {
            stream.SetLength(10);
        }

        Assert.Equal(1, (await Store().LoadLatestAsync())!.Id);
        Assert.Contains("10 bytes", Assert.Single(Warnings()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedManifest_IsPassedOver()
    {
        var store = Store();
        await store.WriteAsync(Checkpoint(1));
        await store.WriteAsync(Checkpoint(2));
        string manifest = Path.Combine(Folder(2), LocalDirectoryCheckpointStore.ManifestFileName);
        byte[] bytes = File.ReadAllBytes(manifest);
        File.WriteAllBytes(manifest, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        Assert.Equal(1, (await Store().LoadLatestAsync())!.Id);
        string warning = Assert.Single(Warnings());
        Assert.Contains(LocalDirectoryCheckpointStore.FolderName(2), warning, StringComparison.Ordinal);
        Assert.Contains("manifest", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingManifest_OrMissingPart_IsPassedOver()
    {
        var store = Store();
        await store.WriteAsync(Checkpoint(1));
        await store.WriteAsync(Checkpoint(2));
        await store.WriteAsync(Checkpoint(3));
        File.Delete(Path.Combine(Folder(3), LocalDirectoryCheckpointStore.ManifestFileName));
        File.Delete(Directory.GetFiles(Folder(2)).First(f => Path.GetFileName(f).Contains("source", StringComparison.Ordinal)));

        Assert.Equal(1, (await Store().LoadLatestAsync())!.Id);
        string[] warnings = Warnings();
        Assert.Equal(2, warnings.Length);
        Assert.Contains("manifest", warnings[0], StringComparison.Ordinal);
        Assert.Contains(LocalDirectoryCheckpointStore.FolderName(3), warnings[0], StringComparison.Ordinal);
        Assert.Contains("missing", warnings[1], StringComparison.Ordinal);
        Assert.Contains(LocalDirectoryCheckpointStore.FolderName(2), warnings[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyDamagedCheckpoints_LoadNothing()
    {
        var store = Store();
        await store.WriteAsync(Checkpoint(1));
        File.Delete(Path.Combine(Folder(1), LocalDirectoryCheckpointStore.ManifestFileName));

        Assert.Null(await Store().LoadLatestAsync());
        Assert.Single(Warnings());
    }

    [Fact]
    public async Task LeftoverTempFolder_IsIgnoredAndRemoved()
    {
        var store = Store();
        await store.WriteAsync(Checkpoint(1));

        // A crash while writing checkpoint 2: its folder was never renamed.
        string temp = Folder(2) + ".tmp";
        Directory.CreateDirectory(temp);
        File.WriteAllBytes(Path.Combine(temp, "0000-runner"), new byte[] { 1, 2 });

        Assert.Equal(1, (await Store().LoadLatestAsync())!.Id);
        Assert.False(Directory.Exists(temp));
        Assert.Empty(Warnings());
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Writing_AnIdAfterARestorePassedOverIt_ReplacesItAndLaterOnes()
    {
        var store = Store();
        await store.WriteAsync(Checkpoint(1));
        await store.WriteAsync(Checkpoint(2));
        await store.WriteAsync(Checkpoint(3));
        File.Delete(Path.Combine(Folder(3), LocalDirectoryCheckpointStore.ManifestFileName));
        File.Delete(Path.Combine(Folder(2), LocalDirectoryCheckpointStore.ManifestFileName));
        Assert.Equal(1, (await store.LoadLatestAsync())!.Id);

        await store.WriteAsync(Checkpoint(2, size: 7));

        Assert.False(Directory.Exists(Folder(3)));
        var loaded = await Store().LoadLatestAsync();
        Assert.Equal(2, loaded!.Id);
        Assert.Equal(7, loaded.Parts[0].Data.Length);
    }

    [Fact]
    public async Task ManifestOfAnotherVersion_IsPassedOver()
    {
        var store = Store();
        await store.WriteAsync(Checkpoint(1));
        await store.WriteAsync(Checkpoint(2));
        string manifest = Path.Combine(Folder(2), LocalDirectoryCheckpointStore.ManifestFileName);
        byte[] bytes = File.ReadAllBytes(manifest);
        bytes[4] = 9; // the version
        var body = bytes.AsSpan(0, bytes.Length - 8);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), System.IO.Hashing.XxHash64.HashToUInt64(body));
        File.WriteAllBytes(manifest, bytes);

        Assert.Equal(1, (await Store().LoadLatestAsync())!.Id);
        Assert.Contains("version 9", Assert.Single(Warnings()), StringComparison.Ordinal);
    }
}
