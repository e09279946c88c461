using EdgeGateway;

// `train` (re)trains the built-in telemetry models and prints their held-out evaluation;
// anything else serves the models folder over HTTP (http://localhost:5080 by default).
if (args is ["train", ..])
{
    return GatewayCommands.Train(args[1..]);
}

await GatewayApp.Create(args).RunAsync();
return 0;
