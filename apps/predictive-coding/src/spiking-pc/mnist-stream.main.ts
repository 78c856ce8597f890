// CLI for the MNIST stream (sanity numbers of the spiking-online experiment):
//   node --conditions=@cristal/source -r ./tools/ts/register.cjs apps/predictive-coding/src/spiking-pc/mnist-stream.main.ts \
//     [model=spiking-pc|pc|backprop] [samples=10000] [testSamples=2000] [evaluateEvery=1000] [switchAt=5000|none] [degrees=90] [seed=0] [batchSize=1] \
//     [timeSteps=20] [stepSize=0.1] [tauSyn=2] [rMax=0.1,0.1,1] [learningRate=0.02] [channel=stochastic] [out=results.json]
// Prints one line per evaluation on stderr and the whole result as JSON on stdout (and into `out`, written atomically).
import { writeFileAtomic } from '@cristal/tensor';
import { runMnistSpikingStream, type MnistSpikingStreamConfig } from './mnist-stream';
import type { ErrorChannel, SpikingPcOptionsInput } from './spiking-pc-options';

const STREAM_KEYS = ['samples', 'testSamples', 'evaluateEvery', 'degrees', 'seed', 'batchSize'] as const;
const SPIKING_KEYS = ['timeSteps', 'stepSize', 'tauSyn', 'dt', 'learningRate'] as const;

function parseArgs(argv: readonly string[]): { config: Partial<MnistSpikingStreamConfig>; out: string | null } {
  const config: Record<string, unknown> = {};
  const spiking: Record<string, unknown> = {};
  let out: string | null = null;
  for (const arg of argv) {
    const [key, value] = arg.split('=');
    if (value === undefined) throw new Error(`Arguments are key=value pairs, got "${arg}".`);
    const number = Number(value);
    if (key === 'out') out = value;
    else if (key === 'model') config.model = value;
    else if (key === 'switchAt') config.switchAt = value === 'none' ? null : number;
    else if (key === 'channel') spiking.channel = value as ErrorChannel;
    else if ((STREAM_KEYS as readonly string[]).includes(key)) config[key] = number;
    else if (key === 'rMax') spiking.rMax = value.includes(',') ? value.split(',').map(Number) : number;
    else if ((SPIKING_KEYS as readonly string[]).includes(key)) spiking[key] = number;
    else throw new Error(`Unknown argument "${key}": use out, model, switchAt, channel, rMax, ${[...STREAM_KEYS, ...SPIKING_KEYS].join(', ')}.`);
  }
  return { config: { ...config, spiking: spiking as SpikingPcOptionsInput }, out };
}

function main(): void {
  const { config, out } = parseArgs(process.argv.slice(2));
  const result = runMnistSpikingStream(config, (e) => {
    const accuracy = Object.entries(e.accuracy)
      .map(([name, a]) => `${name} ${(100 * a).toFixed(2)}%`)
      .join(', ');
    process.stderr.write(
      `${e.samplesSeen} samples (${e.phase}): ${accuracy}; spikes/sample ${e.window.spikesPerSample.toFixed(0)}, SOPs/sample ${e.window.synapticOpsPerSample.toFixed(0)}, clipped ${(100 * e.window.clippingFraction).toFixed(3)}%, ${e.seconds.toFixed(0)} s\n`,
    );
  });
  const json = JSON.stringify(result, null, 2);
  if (out) writeFileAtomic(out, json + '\n');
  process.stdout.write(json + '\n');
}

if (require.main === module) main();
