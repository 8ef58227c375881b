// Layer exports are added here as constructs land.
export {};
