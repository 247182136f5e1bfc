/** IMS content packages: safe reading of zips and folders, manifest, metadata, media. */
export * from './problem.ts';
export * from './limits.ts';
export * from './paths.ts';
export * from './media.ts';
export * from './zip.ts';
export * from './folder.ts';
export * from './xml.ts';
export * from './metadata.ts';
export * from './manifest.ts';
export * from './read.ts';
export * from './loose.ts';
