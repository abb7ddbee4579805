import type { ContainerType } from "type-graphql";

type AnyClass = abstract new (...args: never[]) => object;

/**
 * type-graphql's container: resolver instances built by the composition root with their
 * services, looked up by class. A class without an instance is a wiring bug: fail loudly.
 */
export class ResolverContainer implements ContainerType {
  private readonly instances = new Map<AnyClass, object>();

  register<T extends object>(type: abstract new (...args: never[]) => T, instance: T): this {
    this.instances.set(type, instance);
    return this;
  }

  get(type: AnyClass): object {
    const instance = this.instances.get(type);
    if (instance === undefined) throw new Error(`No resolver instance registered for ${type.name}`);
    return instance;
  }
}
