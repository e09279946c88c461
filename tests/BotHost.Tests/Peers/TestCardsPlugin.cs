using System.ComponentModel;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;

namespace BotHost.Tests.Peers;

/// <summary>
/// Test-only intents (see <c>Peers/test-intents/testcards.yaml</c>): a write action that asks for
/// confirmation, so the reply carries the bot's own Yes/No card, and an echo of the received text.
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
}
