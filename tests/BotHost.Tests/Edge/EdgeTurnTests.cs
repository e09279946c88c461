using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.Edge;

/// <summary>Edge requests as Teams delivers them, answered with real inference on a real gateway process.</summary>
public sealed class EdgeTurnTests(EdgeHostFixture fixture) : IClassFixture<EdgeHostFixture>
{
    private static string NewConversation() => "a:" + Guid.NewGuid().ToString("N");

    private async Task<string> AskAsync(BotHostInstance host, JsonObject activity)
    {
        using var client = host.CreateClient();
        activity["deliveryMode"] = "expectReplies";
        var replies = await Activities.RepliesAsync(await Activities.PostAsync(client, activity, fixture.Channel.ChannelToken()));
        return string.Join("\n", replies.Where(r => r!["type"]!.GetValue<string>() == "message").Select(r => r!["text"]!.GetValue<string>()));
    }

    private JsonObject Message(string text, string conversation, params JsonObject[] attachments)
    {
        var message = Activities.Message(text, serviceUrl: fixture.Channel.ServiceUrl, conversation: conversation);
        if (attachments.Length > 0)
        {
            message["attachments"] = new JsonArray(attachments);
        }

        return message;
    }

    [Fact]
    public async Task WhichGatewaysAreOnline_OneUpOneDown_SaysWhichAndWhy()
    {
        var reply = await AskAsync(fixture.Host, Message("which gateways are online?", NewConversation()));

        Assert.Contains("**1 of 2** edge gateways are online", reply);
        Assert.Contains("**plant-7** (Plant 7, Brno packaging line): online, 3 of 3 models ready", reply);
        Assert.Contains("**clinic-2** (Riverside clinic): not answering", reply);
        Assert.Contains("connection refused", reply);
    }

    [Fact]
    public async Task WhatModelsDoesAGatewayRun_ListsItsModels()
    {
        var reply = await AskAsync(fixture.Host, Message("what models does plant-7 run?", NewConversation()));

        Assert.Contains("**plant-7** (Plant 7, Brno packaging line) serves 3 models", reply);
        Assert.Contains("**label-reader**", reply);
        Assert.Contains("**voice-activity**", reply);
        Assert.Contains("**vital-signs-anomaly**", reply);
    }

    [Fact]
    public async Task ReadThisLabel_WithAnInlineImage_AnswersWithTheLabelText()
    {
        var png = await File.ReadAllBytesAsync(EdgeHostFixture.TestData("label-sn-4821-ax7.png"), TestContext.Current.CancellationToken);
        var image = new JsonObject { ["contentType"] = "image/png", ["contentUrl"] = "data:image/png;base64," + Convert.ToBase64String(png), ["name"] = "label.png" };

        var reply = await AskAsync(fixture.Host, Message("read this label", NewConversation(), image));

        Assert.Contains("The label reads:\n\n```\nSN 4821-AX7\n```", reply);
    }

    [Fact]
    public async Task IsThereSpeech_WithARecordingLink_ListsWhereSomeoneSpeaks()
    {
        var clip = new JsonObject { ["contentType"] = "audio/wav", ["contentUrl"] = new Uri(fixture.FilesAddress, "/files/speech-16k.wav").ToString(), ["name"] = "store-mic.wav" };

        var reply = await AskAsync(fixture.Host, Message("is there speech in this recording?", NewConversation(), clip));

        Assert.StartsWith("Yes, there is speech: ", reply);
        Assert.Contains("(of 4.7 s)", reply);
    }

    [Fact]
    public async Task ReadThisLabel_WithoutAnAttachment_SaysWhatToSend()
    {
        var reply = await AskAsync(fixture.Host, Message("read this label", NewConversation()));

        Assert.Contains("Attach a photo of the label", reply);
    }

    [Fact]
    public async Task ReadThisLabel_WithALinkToAnotherSite_RefusesToFetchIt()
    {
        var image = new JsonObject { ["contentType"] = "image/png", ["contentUrl"] = "https://files.example.com/label.png", ["name"] = "label.png" };

        var reply = await AskAsync(fixture.Host, Message("read this label", NewConversation(), image));

        Assert.Contains("I can only read files sent through Teams", reply);
    }

    [Fact]
    public async Task CheckTheseVitals_WithAnAbnormalReading_FlagsIt()
    {
        var reply = await AskAsync(fixture.Host, Message("check these vitals: HR 134, SpO2 86%, RR 29, BP 86/50, temp 39.4", NewConversation()));

        Assert.StartsWith("**Anomalous vital signs.**", reply);
    }

    [Fact]
    public async Task CheckTheseVitals_WithANormalReading_SaysNothingUnusual()
    {
        var reply = await AskAsync(fixture.Host, Message("check these vitals: HR 72, SpO2 98%, RR 14, BP 122/78, temp 36.8", NewConversation()));

        Assert.StartsWith("Nothing unusual.", reply);
    }

    [Fact]
    public async Task CheckTheseVitals_WithValuesMissing_NamesWhatIsMissing()
    {
        var reply = await AskAsync(fixture.Host, Message("check these vitals: HR 120", NewConversation()));

        Assert.Contains("Missing: ", reply);
        Assert.Contains("blood oxygen saturation", reply);
    }

    [Fact]
    public async Task ReadThisLabel_WhenTheRunOutlastsThePatience_AcknowledgesAndSendsTheResultLater()
    {
        var conversation = NewConversation();
        var png = await File.ReadAllBytesAsync(EdgeHostFixture.TestData("label-sn-4821-ax7.png"), TestContext.Current.CancellationToken);
        var image = new JsonObject { ["contentType"] = "image/png", ["contentUrl"] = "data:image/png;base64," + Convert.ToBase64String(png), ["name"] = "label.png" };

        var reply = await AskAsync(fixture.AcknowledgingHost, Message("read this label", conversation, image));
        ConnectorCall? later = null;
        for (var i = 0; i < 300 && later is null; i++)
        {
            later = fixture.DeliveredIn(conversation).FirstOrDefault(c => c.Type == "message");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.StartsWith("Reading the label on the edge gateway", reply);
        Assert.NotNull(later);
        Assert.Contains("SN 4821-AX7", later.Text);
    }
}
