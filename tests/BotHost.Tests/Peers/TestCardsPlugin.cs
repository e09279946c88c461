using System.ComponentModel;
using System.Text.Json.Nodes;
using Microsoft.SemanticKernel;
using PartnerAssistant.Cards;
using PartnerAssistant.Conversation;

namespace BotHost.Tests.Peers;

/// <summary>
/// Test-only intents (see <c>Peers/test-intents/testcards.yaml</c>): a write action that asks for
/// confirmation, so the reply carries the bot's own Yes/No card (Action.Submit); a status card whose
/// Action.Execute refreshes it (Universal Actions); and an echo of the received text.
/// </summary>
public sealed class TestCardsPlugin
{
    public const string Kit = "edge starter";

    [KernelFunction("OrderSampleKit"), Description("Asks to confirm ordering a sample kit, and orders it once confirmed.")]
    public AssistantReply OrderSampleKit(Kernel kernel, string utterance = "", string confirmed = "", string kit = Kit)
    {
        var caller = kernel.GetCaller();
        return confirmed == "true"
            ? AssistantReply.Say($"Ordered the {kit} sample kit for {caller.Person.DisplayName}.")
            : new AssistantReply($"I can order the {kit} sample kit for you.")
            {
                Confirmation = new PendingConfirmation("TestCards.OrderSampleKit", new() { ["kit"] = kit }, $"order the {kit} sample kit", default),
            };
    }

    [KernelFunction("Repeat"), Description("Repeats the text the assistant received.")]
    public AssistantReply Repeat(string utterance = "") => AssistantReply.Say($"I received: [{utterance}]");

    [KernelFunction("ShowSampleKitStatus"), Description("Shows a sample kit's status on a card that can be refreshed.")]
    public AssistantReply ShowSampleKitStatus(string utterance = "") =>
        AssistantReply.Say($"Here is the {Kit} sample kit.").WithCard(StatusCard("ordered"));

    [KernelFunction("RefreshSampleKitStatus"), Description("Refreshes a sample kit status card.")]
    public AssistantReply RefreshSampleKitStatus(Kernel kernel, string value = "{}")
    {
        var kit = JsonNode.Parse(value)?["kit"]?.GetValue<string>() ?? "unknown";
        return AssistantReply.Say($"The {kit} sample kit has shipped.")
            .WithCard(StatusCard("shipped", $"refreshed for {kernel.GetCaller().Person.DisplayName}"));
    }

    private static JsonObject StatusCard(string status, string? note = null)
    {
        var card = AdaptiveCardBuilder.Create().Text($"Sample kit ({Kit}): {status}", weight: "Bolder");
        if (note is not null)
        {
            card.Text(note);
        }

        return card.Execute("Refresh", "TestCards.RefreshSampleKitStatus", new JsonObject { ["kit"] = Kit }).Build();
    }
}
