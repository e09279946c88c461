namespace EdgeGateway;

internal static class GatewayCommands
{
    public static int Train(string[] args) => 1;
}
