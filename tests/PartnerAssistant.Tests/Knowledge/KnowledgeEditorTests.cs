using System.Text;
using System.Text.Json.Nodes;
using BotFramework.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Documents;
using PartnerAssistant.People;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests.Knowledge;

public sealed class KnowledgeEditorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DownloadAsync_TeamsFileAttachment_FetchesItsDownloadUrl()
    {
        await using var services = await CreateAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var files = builder.Build();
        files.MapGet("/download/guide", () => Results.Text("# Guide\n\n## Step\n\nDo the thing.", "text/markdown"));
        await files.StartAsync(Ct);
        var address = files.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var attachment = new Attachment
        {
            ContentType = KnowledgeEditor.TeamsFileDownloadInfo,
            Name = "guide",
            Content = new JsonObject { ["downloadUrl"] = $"{address}/download/guide", ["uniqueId"] = "1", ["fileType"] = "md" },
        };

        var (name, content) = await services.Get<KnowledgeEditor>().DownloadAsync(attachment, Ct);

        Assert.Equal("guide.md", name);
        Assert.Equal("# Guide\n\n## Step\n\nDo the thing.", Encoding.UTF8.GetString(content));
    }

    [Fact]
    public async Task DownloadAsync_DataUrlLargerThanTheLimit_IsRefused()
    {
        await using var services = await CreateAsync(new Dictionary<string, string?> { ["Knowledge:MaxUploadBytes"] = "1024" });
        var editor = services.Get<KnowledgeEditor>();
        var small = new Attachment { ContentType = "text/plain", Name = "a.txt", ContentUrl = "data:text/plain;base64," + Convert.ToBase64String("hello partners"u8) };
        var large = new Attachment { ContentType = "text/plain", Name = "b.txt", ContentUrl = "data:text/plain;base64," + Convert.ToBase64String(new byte[2048]) };

        var (_, content) = await editor.DownloadAsync(small, Ct);
        var error = await Assert.ThrowsAsync<DocumentFormatException>(() => editor.DownloadAsync(large, Ct));

        Assert.Equal("hello partners", Encoding.UTF8.GetString(content));
        Assert.StartsWith("'b.txt' is larger than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrepareUploadAsync_PartnerCaller_IsRefused()
    {
        await using var services = await CreateAsync();
        var partner = (await services.Get<DirectoryService>().ResolveAsync(null, "demo-partner", Ct))!;

        await Assert.ThrowsAsync<KnowledgeAccessException>(() => services.Get<KnowledgeEditor>().PrepareUploadAsync(partner, "x.md", "# X"u8.ToArray(), null, Ct));
    }

    [Fact]
    public async Task ConfirmUploadAsync_StagedUpload_IsIndexedOnce()
    {
        await using var services = await CreateAsync();
        var editorCaller = (await services.Get<DirectoryService>().ResolveAsync(null, "demo-editor", Ct))!;
        var editor = services.Get<KnowledgeEditor>();

        var preview = await editor.PrepareUploadAsync(editorCaller, "webinars.md", "# Webinars\n\n## Schedule\n\nPartner webinars run every Tuesday."u8.ToArray(), KnowledgeAudience.Partner, Ct);
        var before = await services.Get<KnowledgeRetriever>().RetrieveAsync("webinars tuesday", KnowledgeFilter.Partner, 5, null, Ct);
        var first = await editor.ConfirmUploadAsync(editorCaller, preview.UploadId, Ct);
        var second = await editor.ConfirmUploadAsync(editorCaller, preview.UploadId, Ct);
        var after = await services.Get<KnowledgeRetriever>().RetrieveAsync("webinars tuesday", KnowledgeFilter.Partner, 5, null, Ct);

        Assert.Equal((1, false), (preview.Passages, preview.Replaces));
        Assert.Empty(before.Hits);
        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal("uploads/webinars.md", Assert.Single(after.Hits).Chunk.Source);
        Assert.Equal("elena-novak", (await services.Get<KnowledgeRegistry>().FindDocumentAsync("enablement", "uploads/webinars.md", Ct))!.UpdatedBy);
    }

    [Theory]
    [InlineData("what did partners ask that we could not answer in the last 14 days", 14)]
    [InlineData("unanswered questions past 2 weeks", 14)]
    [InlineData("show thumbs down this month", 30)]
    [InlineData("what couldn't the bot answer", null)]
    public void DaysIn_Request_ReadsThePeriod(string utterance, int? days) =>
        Assert.Equal(days, PartnerAssistant.Knowledge.KnowledgePlugin.DaysIn(utterance));

    [Theory]
    [InlineData("add this document for partners", KnowledgeAudience.Partner)]
    [InlineData("publish this to everyone", null)]
    [InlineData("add this for everyone", KnowledgeAudience.All)]
    [InlineData("add the attached file as an internal document", KnowledgeAudience.Internal)]
    [InlineData("add this document", null)]
    public void AudienceIn_Request_ReadsTheAudienceTheEditorNamed(string utterance, KnowledgeAudience? audience) =>
        Assert.Equal(audience, PartnerAssistant.Knowledge.KnowledgePlugin.AudienceIn(utterance));

    private static Task<AssistantServices> CreateAsync(IDictionary<string, string?>? settings = null) =>
        AssistantServices.CreateAsync(settings: settings, configure: s => s.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>>(new HashingEmbeddingGenerator())));
}
