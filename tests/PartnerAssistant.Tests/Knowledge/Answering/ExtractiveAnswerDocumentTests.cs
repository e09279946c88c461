using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Answering;
using PartnerAssistant.Knowledge.Embeddings;
using PartnerAssistant.Tests.Conversation;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests.Knowledge.Answering;

/// <summary>
/// Answers from a document nobody tuned on (a hackathon page with an introduction, a prize section and
/// the usual closing thanks), with the real model counting what it embeds.
/// </summary>
public sealed class ExtractiveAnswerDocumentTests : IAsyncLifetime
{
    private const string Hackathon = """
        ---
        title: Northbeam Builders Cup
        audience: partner
        ---

        # Northbeam Builders Cup

        ## About the Builders Cup

        The Northbeam Builders Cup is a two-day hackathon for partner engineers in Lisbon. Team sign-up
        opens on 10 January 2027 and closes on 14 February 2027. Teams of two to five people build a
        working prototype on Edge Runtime or AI Studio.

        ## Prizes

        The winning team receives 20,000 USD in MDF credit and a co-innovation lab slot for six months.
        The runner-up receives 5,000 USD in MDF credit. Every finishing team gets a certification voucher
        per member.

        ## Judging

        A jury of three Northbeam solution architects scores originality, customer value and how far the
        prototype works. Thank you for taking part, and we hope you enjoy the Builders Cup!
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pa-cup-" + Guid.NewGuid().ToString("N")[..10]);
    private CountingEmbeddingGenerator? _counter;
    private AssistantServices? _services;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        try
        {
            MiniLmModelFiles.Locate(null);
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }

        System.IO.Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, "builders-cup.md"), Hackathon, Ct);
        _services = await AssistantServices.CreateAsync(configure: s => s.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
            _counter = new CountingEmbeddingGenerator(sp.GetRequiredService<MiniLmEmbeddingGenerator>()))));
        await _services.Get<KnowledgeIngestor>().IngestFolderAsync(_folder, "enablement", force: false, by: null, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private AssistantServices Services
    {
        get
        {
            if (_services is null)
            {
                Assert.Skip("The MiniLM model package is not installed (npm ci).");
            }

            return _services;
        }
    }

    [Fact]
    public async Task AnswerAsync_PrizeQuestion_QuotesThePrizeSectionNotTheIntroduction()
    {
        var (answer, _) = await Services.Get<KnowledgeAnswerService>().AnswerAsync("what's the prize for winning the builders cup?", null, KnowledgeFilter.Partner, Ct);

        Assert.True(answer.Answered, answer.Text);
        Assert.Contains("20,000 USD", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("14 February", answer.Text, StringComparison.Ordinal);
        Assert.Equal("Prizes", Assert.Single(answer.Citations).Section);
    }

    [Fact]
    public async Task AnswerAsync_WhenSignUpCloses_QuotesTheDateAndNeverTheClosingThanks()
    {
        var (answer, _) = await Services.Get<KnowledgeAnswerService>().AnswerAsync("when does team sign-up for the builders cup close?", null, KnowledgeFilter.Partner, Ct);

        Assert.Contains("14 February 2027", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Thank you", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerAsync_EmbedsTheQuestionOnce_AndNothingWhenTheTurnAlreadyHasItsVector()
    {
        var answers = Services.Get<KnowledgeAnswerService>();
        var counter = _counter!;
        const string question = "who judges the builders cup?";
        var vector = (await counter.GenerateAsync([question], cancellationToken: Ct))[0].Vector;

        var before = counter.Texts;
        var (embeddedHere, _) = await answers.AnswerAsync(question, null, KnowledgeFilter.Partner, Ct);
        var once = counter.Texts - before;
        before = counter.Texts;
        var (givenVector, _) = await answers.AnswerAsync(question, vector, KnowledgeFilter.Partner, Ct);

        Assert.Equal(1, once);
        Assert.Equal(0, counter.Texts - before);
        Assert.Equal(embeddedHere.Text, givenVector.Text);
        Assert.Contains("solution architects", givenVector.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Turn_KnowledgeQuestion_TheRouterAndTheAnswerShareOneEmbedding()
    {
        var chat = new AssistantChat(Services, "demo-partner", "cup-" + Guid.NewGuid().ToString("N"));
        // The first turn also embeds the router's examples; the second shows what one question costs.
        await chat.SendAsync("when does team sign-up for the builders cup close?");
        var before = _counter!.Texts;

        var reply = await chat.SendAsync("who judges the builders cup?");

        Assert.Contains("solution architects", AssistantChat.Shown(reply), StringComparison.Ordinal);
        Assert.Equal(1, _counter.Texts - before);
    }

    /// <summary>Passes every call to the real model and counts the texts it embeds.</summary>
    private sealed class CountingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private int _texts;

        public int Texts => Volatile.Read(ref _texts);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            Interlocked.Add(ref _texts, texts.Count);
            return await inner.GenerateAsync(texts, options, cancellationToken);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }
    }
}
