using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Knowledge.Embeddings;

namespace PartnerAssistant.Tests.Knowledge.Embeddings;

[Collection(MiniLmCollection.Name)]
public sealed class MiniLmEmbeddingGeneratorTests(MiniLmFixture fixture)
{
    private readonly MiniLmEmbeddingGenerator _generator = fixture.Generator;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GenerateAsync_ExampleSentence_MatchesPublishedSentenceTransformersValues()
    {
        Embedding<float> embedding = await _generator.GenerateAsync("This is an example sentence", cancellationToken: Cancellation);

        // The first five values sentence-transformers publishes for this sentence.
        float[] published = [0.0677f, 0.0635f, 0.0487f, 0.0793f, 0.0374f];
        float[] first = embedding.Vector.Span[..5].ToArray();
        TestContext.Current.TestOutputHelper?.WriteLine($"first values: {string.Join(", ", first.Select(v => v.ToString("F5")))}");
        for (int i = 0; i < published.Length; i++)
        {
            Assert.Equal(published[i], first[i], 1e-3f);
        }
    }

    [Theory]
    [InlineData("This is an example sentence")]
    [InlineData("Which tier gives a 12 % discount on approved deal registrations?")]
    [InlineData("")]
    public async Task GenerateAsync_AnyText_Returns384ValuesOfUnitLength(string text)
    {
        Embedding<float> embedding = await _generator.GenerateAsync(text, cancellationToken: Cancellation);

        Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, embedding.Vector.Length);
        Assert.Equal(1f, TensorPrimitives.Norm(embedding.Vector.Span), 1e-5f);
        Assert.Equal(MiniLmEmbeddingGenerator.ModelId, embedding.ModelId);
    }

    [Fact]
    public async Task GenerateAsync_TextsOfMixedLengthsInSeveralBatches_EqualEachTextEmbeddedAlone()
    {
        string[] texts =
        [
            "Deal registration",
            "How long is an approved deal registration protected before it expires?",
            "MDF",
            "A Gold partner needs at least five certified individuals, two of them at professional level, and a documented customer reference.",
            "Who is my channel manager?",
            "Café",
            "Platinum partners get access to the co-innovation lab.",
        ];
        // Batches of three force padding inside each batch and results coming back from several batches.
        using MiniLmEmbeddingGenerator batched = fixture.CreateGenerator(o => o.BatchSize = 3);

        GeneratedEmbeddings<Embedding<float>> together = await batched.GenerateAsync(texts, cancellationToken: Cancellation);

        Assert.Equal(texts.Length, together.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            Embedding<float> alone = await _generator.GenerateAsync(texts[i], cancellationToken: Cancellation);
            float[] expected = alone.Vector.ToArray();
            float[] actual = together[i].Vector.ToArray();
            for (int d = 0; d < expected.Length; d++)
            {
                Assert.Equal(expected[d], actual[d], 1e-5f);
            }
        }
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentCallsOnAFreshGenerator_StartOnceAndMatchSequentialResults()
    {
        string[] texts = ["deal registration", "tier benefits", "market development funds", "rules of engagement", "co-sell", "onboarding"];
        using MiniLmEmbeddingGenerator fresh = fixture.CreateGenerator();

        // All calls race on the first-call start-up (model check, session) and then share the session.
        Embedding<float>[] concurrent = await Task.WhenAll(texts.Select(t => Task.Run(() => fresh.GenerateAsync(t, cancellationToken: Cancellation))));

        for (int i = 0; i < texts.Length; i++)
        {
            Embedding<float> sequential = await _generator.GenerateAsync(texts[i], cancellationToken: Cancellation);
            Assert.Equal(sequential.Vector.ToArray(), concurrent[i].Vector.ToArray(), (a, b) => MathF.Abs(a - b) < 1e-6f);
        }
    }

    [Fact]
    public async Task GenerateAsync_Paraphrase_ScoresHigherCosineThanUnrelatedSentence()
    {
        GeneratedEmbeddings<Embedding<float>> embeddings = await _generator.GenerateAsync(
            [
                "How do I register a new deal for my customer?",
                "What are the steps to submit a deal registration?",
                "The ferry to the island leaves every morning at nine.",
            ],
            cancellationToken: Cancellation);

        float paraphrase = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
        float unrelated = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[2].Vector.Span);

        TestContext.Current.TestOutputHelper?.WriteLine($"paraphrase {paraphrase:F3}, unrelated {unrelated:F3}");
        Assert.True(paraphrase > unrelated + 0.3f, $"paraphrase {paraphrase:F3} should clearly beat unrelated {unrelated:F3}");
    }

    [Fact]
    public async Task GenerateAsync_TextLongerThanMaxTokens_ReportsTruncatedTokenCount()
    {
        string longText = string.Join(' ', Enumerable.Repeat("partner enablement", 400));

        GeneratedEmbeddings<Embedding<float>> result = await _generator.GenerateAsync([longText], cancellationToken: Cancellation);

        Assert.Equal(256, result.Usage?.InputTokenCount);
        Assert.Equal(1f, TensorPrimitives.Norm(result[0].Vector.Span), 1e-5f);
    }

    [Fact]
    public async Task GenerateAsync_MissingWeightsFolder_ThrowsNamingTheFolderAndTheNpmCommand()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-minilm-" + Guid.NewGuid().ToString("N"));
        using var generator = new MiniLmEmbeddingGenerator(
            Options.Create(new EmbeddingOptions { ModelPackagePath = missing, CacheDirectory = fixture.CacheDirectory }),
            NullLogger<MiniLmEmbeddingGenerator>.Instance);

        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => generator.GenerateAsync(["hello"], cancellationToken: Cancellation));

        Assert.Contains(missing, error.Message);
        Assert.Contains("npm ci", error.Message);
        Assert.Contains("model.fp16.safetensors", error.Message);
    }

    [Fact]
    public async Task GenerateAsync_AlreadyCancelled_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _generator.GenerateAsync(["hello"], cancellationToken: cancelled.Token));
    }

    [Fact]
    public async Task GenerateAsync_OtherDimensionsRequested_IsRejected()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _generator.GenerateAsync(["hello"], new EmbeddingGenerationOptions { Dimensions = 1536 }, Cancellation));

        Assert.Contains("384", error.Message);
    }

    [Fact]
    public void GetService_Metadata_DescribesTheModel()
    {
        var metadata = _generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("all-MiniLM-L6-v2", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
    }
}
