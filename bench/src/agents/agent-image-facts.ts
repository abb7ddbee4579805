import type Docker from "dockerode";

// The size of the image the worker's agent containers run: in total, and the layer holding the
// agent CLIs (the one the worker commits with the comment "agent CLIs <hash>").

export interface AgentImageFacts {
  readonly tag: string;
  readonly totalBytes: number;
  /** NaN when the image's history names no CLIs layer. */
  readonly clisLayerBytes: number;
}

export async function agentImageFacts(
  docker: Docker,
  containerId: string,
): Promise<AgentImageFacts> {
  const container = await docker.getContainer(containerId).inspect();
  const image = docker.getImage(container.Image);
  const [inspected, history] = await Promise.all([
    image.inspect(),
    image.history() as Promise<readonly { Comment?: string; Size?: number }[]>,
  ]);
  const clis = history.find((layer) => layer.Comment?.startsWith("agent CLIs") === true);
  return {
    tag: container.Config.Image,
    totalBytes: inspected.Size,
    clisLayerBytes: clis?.Size ?? Number.NaN,
  };
}

export const formatBytes = (bytes: number): string =>
  Number.isFinite(bytes) ? `${(bytes / 1e9).toFixed(2)} GB` : "unknown";
