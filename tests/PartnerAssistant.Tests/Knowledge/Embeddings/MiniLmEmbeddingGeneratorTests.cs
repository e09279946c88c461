using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using PartnerAssistant.Knowledge.Embeddings;

namespace PartnerAssistant.Tests.Knowledge.Embeddings;

[Collection(MiniLmCollection.Name)]
public sealed class MiniLmEmbeddingGeneratorTests(MiniLmFixture fixture)
{
    private readonly MiniLmEmbeddingGenerator _generator = fixture.Generator;

    [Fact]
    public async Task GenerateAsync_ExampleSentence_MatchesPublishedSentenceTransformersValues()
    {
        Embedding<float> embedding = await _generator.GenerateAsync("This is an example sentence", cancellationToken: TestContext.Current.CancellationToken);

        float[] published = [0.0677f, 0.0635f, 0.0487f, 0.0793f, 0.0374f];
        float[] first = embedding.Vector.Span[..5].ToArray();
        TestContext.Current.TestOutputHelper?.WriteLine($"first values: {string.Join(", ", first.Select(v => v.ToString("F5")))}");
        for (int i = 0; i < published.Length; i++)
        {
            Assert.Equal(published[i], first[i], 1e-3f);
        }
    }
}
