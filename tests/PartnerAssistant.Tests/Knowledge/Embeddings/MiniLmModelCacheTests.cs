using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using PartnerAssistant.Knowledge.Embeddings;

namespace PartnerAssistant.Tests.Knowledge.Embeddings;

[Collection(MiniLmCollection.Name)]
public sealed class MiniLmModelCacheTests(MiniLmFixture fixture)
{
    // The fixture's generator has already built the model into this folder.
    private readonly MiniLmModelCache _cache = new(fixture.CacheDirectory, NullLogger.Instance);

    [Fact]
    public void EnsureModel_WeightsUnchanged_ReusesTheCachedModel()
    {
        DateTime writtenBefore = File.GetLastWriteTimeUtc(_cache.ModelPath);

        CachedModel model = _cache.EnsureModel(fixture.Files);

        Assert.False(model.Built);
        Assert.Equal(writtenBefore, File.GetLastWriteTimeUtc(_cache.ModelPath));
        Assert.Contains("weights-sha256: ", File.ReadAllText(_cache.StampPath));
    }

    [Fact]
    public void EnsureModel_StampOfOtherWeights_RebuildsAndLeavesNoTemporaryFiles()
    {
        string folder = System.IO.Directory.CreateTempSubdirectory("minilm-rebuild-").FullName;
        try
        {
            var cache = new MiniLmModelCache(folder, NullLogger.Instance);
            Assert.True(cache.EnsureModel(fixture.Files).Built);
            File.WriteAllText(cache.StampPath, "weights-sha256: 0000\nconfig-sha256: 0000\ngraph-version: 1\n");

            CachedModel rebuilt = cache.EnsureModel(fixture.Files);

            Assert.True(rebuilt.Built);
            Assert.False(cache.EnsureModel(fixture.Files).Built);
            // The model, its stamp and the (empty) lock file builders take turns on; no temporary file.
            Assert.Equal(
                [MiniLmModelCache.ModelFileName, MiniLmModelCache.ModelFileName + ".lock", MiniLmModelCache.ModelFileName + ".sha256"],
                System.IO.Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task EnsureModel_SeveralProcessesStartingAtOnce_OneBuildsAndTheOthersReuseIt()
    {
        string folder = System.IO.Directory.CreateTempSubdirectory("minilm-race-").FullName;
        try
        {
            // One cache object per "process", over one folder, all starting together.
            using var start = new Barrier(3);
            var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            {
                var cache = new MiniLmModelCache(folder, NullLogger.Instance);
                start.SignalAndWait(TestContext.Current.CancellationToken);
                return cache.EnsureModel(fixture.Files);
            })));

            Assert.Equal(1, results.Count(r => r.Built));
            using var session = new InferenceSession(results[0].ModelPath);
            Assert.Equal(3, session.InputNames.Count);
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void EnsureModel_BuiltModel_DeclaresTheBertInputsAndA384WideOutput()
    {
        using var session = new InferenceSession(_cache.EnsureModel(fixture.Files).ModelPath);

        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], session.InputNames);
        Assert.All(session.InputMetadata.Values, input => Assert.Equal(typeof(long), input.ElementType));
        Assert.Equal([-1, 384], session.OutputMetadata["sentence_embedding"].Dimensions);
    }
}
