using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace BotHost.Tests.DirectLine;

/// <summary>
/// Direct Line's upload (<c>POST /v3/directline/conversations/{id}/upload</c>) as Web Chat's DirectLine
/// client sends it, and the uploaded files as the bot and the page fetch them.
/// </summary>
public sealed class DirectLineUploadTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    /// <summary>A short enablement article, in Markdown with front matter, as an editor would write it.</summary>
    public static byte[] Article(string title, string body) => Encoding.UTF8.GetBytes($"""
        ---
        title: {title}
        audience: partner
        ---
        # {title}

        {body}
        """);

    private static JsonObject Echo(IEnumerable<JsonObject> activities) =>
        activities.Last(a => a["type"]!.GetValue<string>() == "message" && a["from"]!["role"]?.GetValue<string>() == "user");

    [Fact]
    public async Task Upload_AnArticleWithAMessage_TheBotReadsItThroughItsLink_AndTheEchoLinksToIt()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-editor");
        await client.PollAsync();
        var article = Article("Beacon bonus for first pilots", "The Beacon bonus pays a partner 400 USD for each customer's first Edge Runtime pilot.");

        var (status, body) = await client.UploadAsync("add this document for partners", ("beacon-bonus.md", "application/octet-stream", article));

        Assert.Equal(HttpStatusCode.OK, status);
        var activities = await client.PollAsync();
        var echo = Echo(activities);
        Assert.Equal(body!["id"]!.GetValue<string>(), echo["id"]!.GetValue<string>());
        Assert.Equal("add this document for partners", echo["text"]!.GetValue<string>());
        var attachment = Assert.Single(echo["attachments"]!.AsArray())!;
        Assert.Equal("beacon-bonus.md", attachment["name"]!.GetValue<string>());
        Assert.Equal("text/markdown", attachment["contentType"]!.GetValue<string>());
        // The bot fetched the file from the address the echo carries, and read its title.
        var reply = activities.Last(a => a["from"]!["role"]?.GetValue<string>() == "bot" && a["type"]!.GetValue<string>() == "message");
        Assert.Contains("I read **beacon-bonus.md**: \"Beacon bonus for first pilots\"", reply["text"]!.GetValue<string>());
        using var download = await fixture.Client.GetAsync(attachment["contentUrl"]!.GetValue<string>(), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(article, await download.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Upload_AFileOfAKindNoCapabilityReads_Is415_SaysWhichKindsAre_AndPostsNothing()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-partner");
        await client.PollAsync();

        var (status, body) = await client.UploadAsync("here is the tool", ("setup.exe", "application/octet-stream", [0x4D, 0x5A, 0x90, 0x00]));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        var message = body!["error"]!["message"]!.GetValue<string>();
        Assert.Contains("'setup.exe' is not a kind of file I can use", message);
        Assert.Contains(".docx", message);
        Assert.Contains(".png", message);
        Assert.DoesNotContain(await client.PollAsync(), a => a["from"]!["role"]?.GetValue<string>() == "user");
    }

    [Fact]
    public async Task Upload_AFileLargerThanAnyCapabilityTakes_Is413AndNamesTheLimit()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-partner");
        await client.PollAsync();

        var (status, body) = await client.UploadAsync("label photo", ("label.png", "image/png", new byte[(16 << 20) + 1]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("'label.png' is larger than 16 MB, the largest file I can take.", body!["error"]!["message"]!.GetValue<string>());
        Assert.DoesNotContain(await client.PollAsync(), a => a["from"]!["role"]?.GetValue<string>() == "user");
    }

    [Fact]
    public async Task Upload_WithTheTokenOfAnotherConversation_IsRefused()
    {
        var mine = await DirectLineClient.StartAsync(fixture.Client, "demo-partner");
        var theirs = await DirectLineClient.StartAsync(fixture.Client, "demo-partner-2");
        var intruder = DirectLineClient.With(fixture.Client, mine.Token, theirs.ConversationId);

        var (status, body) = await intruder.UploadAsync("not mine", ("notes.txt", "text/plain", "hello"u8.ToArray()));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("The token is for another conversation.", body!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upload_NotMultipartAndNamingNoFile_Is400()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-partner");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{client.ConversationId}/upload")
        {
            Content = new StringContent("just some text", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", client.Token);

        using var response = await fixture.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Each file needs a name", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UploadedFile_HtmlIsServedAsADownload_APictureInline_AndAnUnknownIdIs404()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-partner");
        await client.PollAsync();
        var png = await File.ReadAllBytesAsync(Edge.EdgeHostFixture.TestData("label-sn-4821-ax7.png"), TestContext.Current.CancellationToken);
        await client.UploadAsync("two files", ("page.html", "text/html", "<script>alert(1)</script>"u8.ToArray()), ("label.png", "image/png", png));
        var attachments = Echo(await client.PollAsync())["attachments"]!.AsArray();

        using var html = await fixture.Client.GetAsync(attachments[0]!["contentUrl"]!.GetValue<string>(), TestContext.Current.CancellationToken);
        using var picture = await fixture.Client.GetAsync(attachments[1]!["contentUrl"]!.GetValue<string>(), TestContext.Current.CancellationToken);
        using var missing = await fixture.Client.GetAsync("/v3/directline/files/" + new string('0', 48) + "/x.png", TestContext.Current.CancellationToken);

        Assert.Equal("application/octet-stream", html.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", html.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Contains("sandbox", html.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("image/png", picture.Content.Headers.ContentType!.MediaType);
        Assert.Null(picture.Content.Headers.ContentDisposition);
        Assert.Equal(png, await picture.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
