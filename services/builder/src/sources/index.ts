export { detectArchiveFormat, extractArchive, SUPPORTED_ARCHIVES } from './archive-source';
export type { ArchiveFormat, ExtractArchiveOptions, ExtractedArchive } from './archive-source';
export { fetchGitSource } from './git-source';
export type { FetchedGitSource, FetchGitSourceOptions } from './git-source';
export { isCommitSha, validateGitRef, validateRepoUrl } from './git-url';
export type { RepoUrlOptions } from './git-url';
export { SourceError } from './source-error';
