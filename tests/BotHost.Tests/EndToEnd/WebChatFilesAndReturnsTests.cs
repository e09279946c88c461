using System.Text;
using Microsoft.Playwright;

namespace BotHost.Tests.EndToEnd;

/// <summary>
/// What people do with files in Teams, done on the Web Chat page with real files through Web Chat's own
/// upload button; a partner coming back to the page finds what arrived while away; and a visitor the
/// directory does not know is told so in words.
/// </summary>
public sealed partial class WebChatEndToEndTests
{
    private static readonly string FileFolder = Directory.CreateTempSubdirectory("pa-webchat-files-").FullName;

    /// <summary>Writes a file a person would pick from their disk.</summary>
    private static string FileOnDisk(string name, byte[] content)
    {
        var path = Path.Combine(FileFolder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>A one-page PDF, as a signed form scanned to PDF would be (no text layer needed).</summary>
    private static byte[] Pdf() => Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

    /// <summary>
    /// Picks files with the page's attach button (Web Chat's file input), waits until the button shows them
    /// as attached, as a person would see before sending (Web Chat reads a picked image for its thumbnail
    /// first, which takes a moment), then sends them with a message.
    /// </summary>
    private static async Task SendFilesAsync(IPage page, string text, params string[] paths)
    {
        await page.Locator(".webchat__upload-button input[type=file], input[type=file]").First.SetInputFilesAsync(paths);
        // Web Chat attaches every picked file, of a kind the page refuses too: the refusal comes when it is sent.
        await page.Locator(".webchat__upload-button .webchat__attachment-icon--checked")
            .WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = (float)Answer.TotalMilliseconds });
        await SayAsync(page, text);
    }

    [Fact]
    public async Task Files_EditorUploadsAnArticle_ThenAPartnerAsksWhatOnlyThatArticleAnswers()
    {
        RequireBrowser();
        RequireIntents("Add an article from the page", "Knowledge.AddDocument", "Knowledge.Ask");
        var editor = await session.ChatAsAsync("demo-editor");
        await ExpectAsync(BotText(editor, "Hi Elena!"));
        Assert.True(await editor.Locator(".webchat__upload-button").IsVisibleAsync(), "Web Chat's attach button should be on the page.");
        var article = FileOnDisk("beacon-bonus.md", Encoding.UTF8.GetBytes("""
            ---
            title: Beacon bonus for first Edge Runtime pilots
            audience: partner
            ---
            # Beacon bonus for first Edge Runtime pilots

            Northbeam pays a **Beacon bonus of 400 USD** to the registering partner for each customer's
            first Edge Runtime pilot. Claim it within 30 days of the pilot's start through your channel manager.
            """));

        await SendFilesAsync(editor, "add this document for partners", article);
        await ExpectAsync(BotText(editor, "I read beacon-bonus.md"));
        await ConfirmAsync(editor);
        await ExpectAsync(BotText(editor, "is in the knowledge base"));
        await HeadlessChromium.ScreenshotAsync(editor, "webchat-8-editor-uploads-article");

        var partner = await session.ChatAsAsync("demo-partner-2");
        await ExpectAsync(BotText(partner, "Hi Lukas!"));
        await SayAsync(partner, "how much is the beacon bonus for a first pilot?");
        var answer = partner.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Sources" }).Filter(new() { HasText = "Beacon bonus" });
        await ExpectAsync(answer);
        Assert.Contains("400 USD", await answer.Last.InnerTextAsync());
        await HeadlessChromium.ScreenshotAsync(partner, "webchat-9-partner-asks-new-article");
        AssertCardsValid();
    }

    [Fact]
    public async Task Files_LabelPhoto_TheEdgeGatewayReadsIt()
    {
        RequireBrowser();
        RequireIntents("Read a label photo from the page", "Edge.ReadLabel");
        var page = await session.ChatAsAsync("demo-sales");
        await ExpectAsync(BotText(page, "Hi Sam!"));

        await SendFilesAsync(page, "read this label", Edge.EdgeHostFixture.TestData("label-sn-4821-ax7.png"));

        // The photo is in the user's own message, as a link to where the host keeps it.
        await ExpectAsync(page.Locator(".webchat__basic-transcript__activity a[href*='/v3/directline/files/']").Filter(new() { HasText = "label-sn-4821-ax7.png" }));
        await ExpectAsync(BotText(page, "SN 4821-AX7"));
        await HeadlessChromium.ScreenshotAsync(page, "webchat-10-label-photo");
    }

    [Fact]
    public async Task Files_ComplianceAttestation_OnboardingRecordsIt()
    {
        RequireBrowser();
        RequireIntents("Send an attestation from the page", "Onboarding.UploadAttestation");
        var page = await session.ChatAsAsync("demo-new-admin");
        await ExpectAsync(BotText(page, "Hi Ines!"));

        await SendFilesAsync(page, "here is our signed FCPA attestation", FileOnDisk("fcpa-attestation.pdf", Pdf()));
        await ExpectAsync(BotText(page, "fcpa-attestation.pdf as Lakeshore Analytics"));
        await ConfirmAsync(page);

        await ExpectAsync(BotText(page, "Recorded the FCPA anti-corruption attestation of Lakeshore Analytics"));
        await HeadlessChromium.ScreenshotAsync(page, "webchat-11-attestation");
        AssertCardsValid();
    }

    [Fact]
    public async Task Files_ProofOfPerformance_ClaimsTheMdfActivity()
    {
        RequireBrowser();
        RequireIntents("Claim MDF from the page", "Mdf.ClaimFunds");
        var page = await session.ChatAsAsync("demo-partner-admin");
        await ExpectAsync(BotText(page, "Hi Tom!"));
        var attendees = FileOnDisk("webinar-attendees.csv", Encoding.UTF8.GetBytes("name,company,attended\nAda Park,Contoso Retail,yes\nLi Wei,Fabrikam Stores,yes\n"));

        await SendFilesAsync(page, "claim MDF-1, actual cost 11,800, proof of performance attached", attendees, FileOnDisk("webinar-invoice.pdf", Pdf()));
        await ExpectAsync(BotText(page, "You are about to claim MDF-1"));
        // Both files are named; Web Chat's Direct Line client reads the picked files at once and sends them in the
        // order they were read, so their order in the upload (and on the card) is not the order they were picked in.
        var claim = await BotText(page, "You are about to claim MDF-1").Last.InnerTextAsync();
        Assert.Contains("webinar-attendees.csv", claim);
        Assert.Contains("webinar-invoice.pdf", claim);
        await ConfirmAsync(page);

        await ExpectAsync(BotText(page, "Claimed MDF-1"));
        await HeadlessChromium.ScreenshotAsync(page, "webchat-12-mdf-claim");
        AssertCardsValid();
    }

    [Fact]
    public async Task Files_OfAKindTheAssistantCannotUse_ThePageSaysWhyAndSendsNothing()
    {
        RequireBrowser();
        var page = await session.ChatAsAsync("demo-partner");
        await ExpectAsync(BotText(page, "Hi Priya!"));

        await SendFilesAsync(page, "here is the installer", FileOnDisk("setup.exe", [0x4D, 0x5A, 0x90, 0x00]));

        await ExpectAsync(page.Locator("#notice").Filter(new() { HasText = "\"setup.exe\" is not a kind of file the assistant can use" }));
        Assert.Equal(0, await page.Locator(".webchat__basic-transcript__activity").Filter(new() { HasText = "here is the installer" }).CountAsync());
    }

    [Fact]
    public async Task Reopen_TheApprovalOfTheirRegistrationIsOnThePartnersPage_WithoutAsking()
    {
        RequireBrowser();
        RequireIntents("Approval reaches a reopened page", "Deals.RegisterDeal", "Deals.Approve");
        var partner = await session.ChatAsAsync("demo-partner");
        await ExpectAsync(BotText(partner, "Hi Priya!"));
        var number = await RegisterDealAsync(partner, "Wingtip Toys", "Wingtip – store shelf cameras");
        await partner.CloseAsync();

        var manager = await session.ChatAsAsync("demo-manager");
        await ExpectAsync(BotText(manager, "Hi Maya!"));
        await SayAsync(manager, $"approve {number} because the customer confirmed Bluewave's proposal");
        await ConfirmAsync(manager);
        await ExpectAsync(BotText(manager, $"{number} approved"));
        await manager.CloseAsync();

        var reopened = await session.ReopenAsAsync("demo-partner");
        var approval = BotText(reopened, $"Your registration {number}").Filter(new() { HasText = "was approved" });
        await ExpectAsync(approval);
        await approval.Last.ScrollIntoViewIfNeededAsync();
        // Her earlier exchange is there too, and she was not greeted a second time.
        Assert.True(await BotText(reopened, $"Registered as {number}").CountAsync() >= 1);
        Assert.Equal(1, await BotText(reopened, "Hi Priya!").CountAsync());
        await HeadlessChromium.ScreenshotAsync(reopened, "webchat-13-approval-after-reopening");
        AssertCardsValid();
    }

    [Fact]
    public async Task UnknownPerson_InTheAddress_ThePageSaysSoInWords_AndStillOffersThePeople()
    {
        RequireBrowser();
        var page = await session.NewPageAsync();

        await page.GotoAsync(new Uri(session.Host.BaseAddress, "/?as=nobody").ToString());

        var notice = page.Locator("#notice");
        await ExpectAsync(notice.Filter(new() { HasText = "There is no one called \"nobody\" in the directory here" }));
        Assert.DoesNotContain("{", await notice.InnerTextAsync());
        Assert.True(await page.Locator("#person option[value='demo-partner']").CountAsync() == 1, "The people should still be offered.");
        Assert.Equal(0, await page.Locator(".webchat__basic-transcript").CountAsync());
        await HeadlessChromium.ScreenshotAsync(page, "webchat-14-unknown-person");
    }
}
